/// One entry of an address list in the shape of the IMAP ENVELOPE address structure
/// (RFC 9051 §7.5.2): a mailbox, or the start or end marker of an RFC 5322 §3.4 group.
public struct Address: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable {
        /// A mailbox: `localPart` and `domain` are both set.
        case mailbox = "m"
        /// Group start, IMAP `(NIL NIL "groupname" NIL)`: the group name is in `localPart`.
        case groupStart = "s"
        /// Group end, IMAP `(NIL NIL NIL NIL)`.
        case groupEnd = "e"
    }

    /// Put in `domain` / `localPart` when a mailbox lacks one, so that an IMAP client never mistakes
    /// it for a group marker (a NIL host means "group" in ENVELOPE). Dovecot uses the same words.
    public static let missingDomain = "MISSING_DOMAIN"
    public static let missingMailbox = "MISSING_MAILBOX"

    public var kind: Kind
    /// Display name as written, quotes removed and RFC 2047 encoded words kept (ENVELOPE addr-name).
    public var displayName: String?
    /// Obsolete source route (RFC 5322 §4.4 obs-route) as "@a.example,@b.example" (ENVELOPE addr-adl).
    public var route: String?
    /// Local part (RFC 5322 §3.4.1), quoted only when it is not a dot-atom; the group name for
    /// `groupStart`.
    public var localPart: String?
    public var domain: String?

    public init(kind: Kind = .mailbox, displayName: String? = nil, route: String? = nil,
                localPart: String?, domain: String?) {
        self.kind = kind
        self.displayName = displayName
        self.route = route
        self.localPart = localPart
        self.domain = domain
    }

    public static func groupStart(_ name: String) -> Address {
        Address(kind: .groupStart, localPart: name, domain: nil)
    }

    public static let groupEnd = Address(kind: .groupEnd, localPart: nil, domain: nil)

    /// Display name with RFC 2047 encoded words decoded (for display and SEARCH).
    public var decodedDisplayName: String? {
        displayName.map(EncodedWord.decode)
    }

    /// The group name of a `groupStart` marker.
    public var groupName: String? { kind == .groupStart ? localPart : nil }

    /// `local@domain` for a mailbox.
    public var addressSpec: String? {
        guard kind == .mailbox, let localPart, let domain else { return nil }
        return localPart + "@" + domain
    }

    enum CodingKeys: String, CodingKey {
        case kind = "k", displayName = "n", route = "r", localPart = "l", domain = "d"
    }
}

extension Address: CustomStringConvertible {
    /// Decoded form for search text and logs: `Name <local@domain>`, `group:`, `;`.
    public var description: String {
        switch kind {
        case .groupStart: return EncodedWord.decode(localPart ?? "") + ":"
        case .groupEnd: return ";"
        case .mailbox:
            let spec = addressSpec ?? ""
            guard let name = decodedDisplayName, !name.isEmpty else { return spec }
            return "\(name) <\(spec)>"
        }
    }
}
