// Why a command line could not be parsed, and the reply each reason earns.

/// A command line the parser refused. Each case knows its reply (RFC 5321 §4.2.2, RFC 3463 codes).
public enum SMTPCommandError: Error, Sendable, Equatable {
    /// Unknown verb: 500 5.5.2 (RFC 5321 §4.2.4).
    case unrecognizedCommand
    /// NUL or other control bytes in the line: 500 5.5.2.
    case invalidCharacters
    /// Known verb, bad arguments: 501 5.5.4 with a hint.
    case syntax(String)
    /// An ESMTP parameter we did not announce: 555 5.5.4 (RFC 5321 §4.1.1.11).
    case unknownParameter(String)
    /// A non-ASCII address without SMTPUTF8: 553 5.6.7 (RFC 6531 §3.5).
    case nonASCIIAddress

    public var reply: SMTPReply {
        switch self {
        case .unrecognizedCommand: SMTPReply(500, "5.5.2", "Command unrecognized")
        case .invalidCharacters: SMTPReply(500, "5.5.2", "Invalid characters in command")
        case .syntax(let hint): SMTPReply(501, "5.5.4", "Syntax error: \(hint)")
        case .unknownParameter(let name): SMTPReply(555, "5.5.4", "Unsupported parameter \(name)")
        case .nonASCIIAddress: SMTPReply(553, "5.6.7", "Non-ASCII address requires SMTPUTF8")
        }
    }
}
