// A tagged client command.

/// A parsed client command: its tag (echoed in the completion response, RFC 9051 §2.2.1)
/// and what it asks for.
public struct IMAPCommand: Sendable, Equatable {
    public var tag: String
    public var kind: IMAPCommandKind

    public init(tag: String, _ kind: IMAPCommandKind) {
        self.tag = tag
        self.kind = kind
    }
}
