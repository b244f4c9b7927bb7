/// An envelope address split at its last "@": the local part keeps its case (RFC 5321 §2.4 says
/// local parts may be case-sensitive; the store looks them up case-insensitively), the domain is
/// lower-cased.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    public var localPart: String
    public var domain: String

    public init(localPart: String, domain: String) {
        self.localPart = localPart
        self.domain = domain.lowercased()
    }

    /// Parses `local@domain`; a quoted local part ("a b"@x) is kept with its quotes stripped.
    /// Returns nil for anything without a non-empty local part and domain.
    public init?(_ text: String) {
        guard let at = text.lastIndex(of: "@") else { return nil }
        var local = String(text[..<at])
        let domain = String(text[text.index(after: at)...])
        if local.count >= 2, local.first == "\"", local.last == "\"" {
            local = String(local.dropFirst().dropLast())
        }
        guard !local.isEmpty, !domain.isEmpty, !domain.contains("@") else { return nil }
        self.init(localPart: local, domain: domain)
    }

    public var description: String { "\(localPart)@\(domain)" }

    /// `user+detail` → (`user`, `detail`) at the first delimiter, RFC 5233 §3.
    func splitDetail(delimiter: Character) -> (base: MailAddress, detail: String)? {
        guard let index = localPart.firstIndex(of: delimiter), index != localPart.startIndex else { return nil }
        let base = String(localPart[..<index])
        let detail = String(localPart[localPart.index(after: index)...])
        return (MailAddress(localPart: base, domain: domain), detail)
    }
}
