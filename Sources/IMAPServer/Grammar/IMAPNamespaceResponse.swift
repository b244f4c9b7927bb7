// `* NAMESPACE (("" "/")) NIL NIL` (RFC 2342, RFC 9051 §7.3.5).

/// The three namespace classes; an empty list is sent as NIL.
public struct IMAPNamespaceResponse: Sendable, Equatable {
    public struct Description: Sendable, Equatable {
        public var prefix: String
        public var delimiter: Character?

        public init(prefix: String, delimiter: Character?) {
            self.prefix = prefix
            self.delimiter = delimiter
        }
    }

    public var personal: [Description]
    public var otherUsers: [Description]
    public var shared: [Description]

    public init(personal: [Description], otherUsers: [Description] = [], shared: [Description] = []) {
        self.personal = personal
        self.otherUsers = otherUsers
        self.shared = shared
    }
}
