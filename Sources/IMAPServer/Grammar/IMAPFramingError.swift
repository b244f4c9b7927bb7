// Limits the framer enforces before a command reaches the parser, and how the client hears of it.

/// A command the framer refused because it broke a size limit. The framer has already
/// resynchronised (skipping, never buffering, the excess); the session sends `response`.
public struct IMAPFramingError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A line (the text between literals) longer than the limit.
        case lineTooLong(limit: Int)
        /// A literal larger than allowed for this command.
        case literalTooLarge(octets: UInt64, limit: UInt64)
        /// A LITERAL+ literal larger than 4096 octets while LITERAL- is in force (RFC 7888 §5).
        case nonSynchronizingLiteralTooLarge(octets: UInt64, limit: UInt64)
        /// More literals in one command than allowed.
        case tooManyLiterals(limit: Int)
        /// The command would buffer more octets than allowed.
        case commandTooLarge(limit: Int)
    }

    public var kind: Kind
    /// The command's tag, when the first line had one.
    public var tag: String?
    /// The command name, uppercased (e.g. "APPEND"), when it could be read.
    public var command: String?

    public init(_ kind: Kind, tag: String?, command: String?) {
        self.kind = kind
        self.tag = tag
        self.command = command
    }

    public var description: String {
        switch kind {
        case .lineTooLong(let limit): return "command line longer than \(limit) octets"
        case .literalTooLarge(let octets, let limit): return "literal of \(octets) octets exceeds the limit of \(limit)"
        case .nonSynchronizingLiteralTooLarge(let octets, let limit):
            return "non-synchronizing literal of \(octets) octets exceeds the LITERAL- limit of \(limit)"
        case .tooManyLiterals(let limit): return "more than \(limit) literals in one command"
        case .commandTooLarge(let limit): return "command larger than \(limit) octets"
        }
    }

    /// RFC 9051 §7.1 / RFC 4469 §4.2 / RFC 7888 §5: an APPEND whose synchronising literal is too big
    /// gets `NO [TOOBIG]` (the client did not send it); a LITERAL- violation gets `BAD [TOOBIG]`;
    /// any other oversize command gets `BAD`.
    public var response: IMAPResponse {
        let status: IMAPStatusResponse
        switch kind {
        // RFC 8508 §3.4: REPLACE answers like APPEND.
        case .literalTooLarge where command == "APPEND" || command == "REPLACE" || command == "UID REPLACE":
            status = IMAPStatusResponse(.no, code: .tooBig, text: description)
        case .literalTooLarge, .nonSynchronizingLiteralTooLarge:
            status = IMAPStatusResponse(.bad, code: .tooBig, text: description)
        case .lineTooLong, .tooManyLiterals, .commandTooLarge:
            status = IMAPStatusResponse(.bad, code: nil, text: description)
        }
        if let tag { return .tagged(tag: tag, status) }
        return .untagged(.state(status))
    }
}
