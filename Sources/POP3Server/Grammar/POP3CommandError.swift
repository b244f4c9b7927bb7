// Why a command line was refused; each maps to the "-ERR" the client sees.

/// A command line that did not parse. Descriptions never echo the line (it may hold a password).
public enum POP3CommandError: Error, Sendable, Equatable {
    case empty
    case unknownCommand
    case missingArgument
    case tooManyArguments
    /// Not a number, a sign, too many digits.
    case invalidNumber
    /// NUL or another control character, or bytes that are not UTF-8.
    case invalidCharacters
    /// An argument longer than the limit.
    case argumentTooLong

    /// The reply for this error, RFC 1939 §3: "-ERR" and a human-readable text.
    public var response: POP3Response {
        switch self {
        case .empty: .err("empty command")
        case .unknownCommand: .err("unknown command")
        case .missingArgument: .err("missing argument")
        case .tooManyArguments: .err("too many arguments")
        case .invalidNumber: .err("invalid message number")
        case .invalidCharacters: .err("invalid characters in command")
        case .argumentTooLong: .err("argument too long")
        }
    }
}
