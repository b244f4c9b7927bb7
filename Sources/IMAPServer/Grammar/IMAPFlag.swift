// Message flags: system flags, keywords and flag extensions.

/// A message flag (RFC 9051 §2.3.2). System flags are recognised case-insensitively; keywords
/// keep the client's spelling (matching them is the store's business, case-insensitively).
public enum IMAPFlag: Sendable, Hashable, CustomStringConvertible {
    case answered, flagged, deleted, seen, draft
    /// `\Recent`: IMAP4rev1 only, never settable (RFC 3501 §2.3.2).
    case recent
    /// A keyword such as `$Forwarded` or `NonJunk`.
    case keyword(String)
    /// Another `\Atom` the server does not define (RFC 9051 `flag-extension`).
    case `extension`(String)

    public var description: String {
        switch self {
        case .answered: return "\\Answered"
        case .flagged: return "\\Flagged"
        case .deleted: return "\\Deleted"
        case .seen: return "\\Seen"
        case .draft: return "\\Draft"
        case .recent: return "\\Recent"
        case .keyword(let keyword): return keyword
        case .extension(let name): return "\\" + name
        }
    }
}

extension IMAPParseCursor {
    // flag            = "\Answered" / "\Flagged" / "\Deleted" /
    //                   "\Seen" / "\Draft" / flag-keyword / flag-extension
    // flag-extension  = "\" atom                                         (RFC 9051 §9)
    mutating func parseFlag() throws(IMAPParseError) -> IMAPFlag {
        if consume(UInt8(ascii: "\\")) {
            let name = try parseAtom("a flag name")
            switch name.uppercased() {
            case "ANSWERED": return .answered
            case "FLAGGED": return .flagged
            case "DELETED": return .deleted
            case "SEEN": return .seen
            case "DRAFT": return .draft
            case "RECENT": return .recent
            default: return .extension(name)
            }
        }
        return .keyword(try parseFlagKeyword())
    }

    // flag-keyword    = "$MDNSent" / "$Forwarded" / "$Junk" /
    //                   "$NotJunk" / "$Phishing" / atom                   (RFC 9051 §9)
    mutating func parseFlagKeyword() throws(IMAPParseError) -> String {
        let keyword = try parseAtom("a flag keyword")
        guard keyword.utf8.count <= 255 else { throw error("keyword longer than 255 octets", .limitExceeded) }
        return keyword
    }

    // flag-list       = "(" [flag *(SP flag)] ")"                        (RFC 9051 §9)
    mutating func parseFlagList() throws(IMAPParseError) -> [IMAPFlag] {
        try parseParenthesizedList(allowEmpty: true, what: "flag list") { (cursor: inout IMAPParseCursor) throws(IMAPParseError) in
            try cursor.parseFlag()
        }
    }
}
