// What the command parser reports when a command cannot be understood.

/// A command that cannot be parsed. The session answers it with `response` (tagged BAD when the
/// tag could be read, untagged BAD otherwise, RFC 9051 §7.1.3) and reads the next command.
public struct IMAPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The bytes do not follow the grammar.
        case syntax
        /// No tag could be read (RFC 9051 §2.2.1: every command starts with one).
        case missingTag
        /// The command name is not an IMAP command.
        case unknownCommand
        /// A known command or option this server does not implement (yet).
        case unsupported
        /// A bound from `IMAPGrammarLimits` was exceeded.
        case limitExceeded
    }

    public var kind: Kind
    /// Human-readable, safe to send to the client: never echoes passwords or message data.
    public var message: String
    /// The command tag, when it could be read before the error.
    public var tag: String?
    /// Offset into the frame where the error was found (for logs and tests).
    public var offset: Int

    public init(_ kind: Kind, _ message: String, tag: String? = nil, offset: Int = 0) {
        self.kind = kind
        self.message = message
        self.tag = tag
        self.offset = offset
    }

    public var description: String { "\(kind) at \(offset): \(message)" }

    /// The response the client should receive: `tag BAD text` or `* BAD text`.
    public var response: IMAPResponse {
        let status = IMAPStatusResponse(.bad, code: nil, text: message)
        if let tag { return .tagged(tag: tag, status) }
        return .untagged(.state(status))
    }
}
