// A literal the client has announced with `{n}`, `{n+}` or `~{n}` at the end of a line.

/// What the framer learned from a literal announcement. For a synchronising literal the session
/// either writes a continuation request (`+ ...`) or calls `IMAPCommandFramer.refuseLiteral()`
/// and answers the command (RFC 9051 §7.5: "+" only when the server is ready for the octets).
public struct IMAPLiteralAnnouncement: Sendable, Equatable {
    public var tag: String?
    /// The command name, uppercased ("APPEND", "LOGIN", ...).
    public var command: String?
    public var octets: UInt64
    /// `{n}` (true) versus LITERAL+ `{n+}` (false, RFC 7888).
    public var isSynchronizing: Bool
    /// `~{n}` literal8 (RFC 3516).
    public var isBinary: Bool
    /// The octets will arrive as `streamedLiteralBytes` events instead of inside the frame.
    public var isStreamed: Bool
    /// 0 for the command's first literal, 1 for the next, ...
    public var index: Int
    /// For the first literal of an APPEND: the command so far (through `{n}` CRLF), so the
    /// session can check the mailbox and size (TRYCREATE, TOOBIG) before accepting the literal.
    public var appendPrefix: IMAPCommandFrame?

    public init(tag: String?, command: String?, octets: UInt64, isSynchronizing: Bool, isBinary: Bool,
                isStreamed: Bool, index: Int, appendPrefix: IMAPCommandFrame? = nil) {
        self.tag = tag
        self.command = command
        self.octets = octets
        self.isSynchronizing = isSynchronizing
        self.isBinary = isBinary
        self.isStreamed = isStreamed
        self.index = index
        self.appendPrefix = appendPrefix
    }
}
