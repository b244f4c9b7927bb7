// Flags as the store keeps them ("\\Seen", keywords) to wire flags.

extension IMAPFlag {
    /// System flags are matched case-insensitively (RFC 9051 §2.3.2); any other backslash name is
    /// a flag extension and everything else a keyword, spelled as stored.
    public init(stored flag: String) {
        switch flag.lowercased() {
        case "\\answered": self = .answered
        case "\\flagged": self = .flagged
        case "\\deleted": self = .deleted
        case "\\seen": self = .seen
        case "\\draft": self = .draft
        case "\\recent": self = .recent
        default:
            if flag.hasPrefix("\\") {
                self = .extension(String(flag.dropFirst()))
            } else {
                self = .keyword(flag)
            }
        }
    }
}
