// Parses one POP3 command line (without its CRLF) into a `POP3Command`.
//
// RFC 1939 §3: "Commands in the POP3 consist of a case-insensitive keyword, possibly followed by
// one or more arguments. All commands are terminated by a CRLF pair. Keywords and arguments
// consist of printable ASCII characters. Keywords and arguments are each separated by a single
// SPACE character." Facteur is lenient about repeated and trailing spaces (clients send them) and
// accepts UTF-8 arguments (RFC 6856 §2.2). The line length is bounded by the framing handler.

/// Stateless; every function takes untrusted bytes and either returns a value or throws.
public enum POP3CommandParser {
    /// RFC 2449 §4 raises the argument limit from 40 octets; a USER address or a SASL initial
    /// response still fits in a 255-octet command, and nothing longer is ever looked up.
    public static let maximumArgumentLength = 255
    /// Message numbers and line counts: ten digits hold every UInt32 and stay inside `Int`.
    static let maximumDigits = 10

    // RFC 2449 §3: command = keyword *(SP param) CRLF ; 255 octets maximum
    //              keyword = 3*4VCHAR
    //              param   = 1*VCHAR
    public static func parse(_ line: [UInt8]) throws(POP3CommandError) -> POP3Command {
        guard !line.isEmpty else { throw .empty }
        // Tab is tolerated inside a password; every other control character is refused.
        guard !line.contains(where: { $0 < 0x20 && $0 != 0x09 || $0 == 0x7F }) else { throw .invalidCharacters }
        guard let text = String(validating: line, as: UTF8.self) else { throw .invalidCharacters }
        let keywordEnd = text.firstIndex(of: " ") ?? text.endIndex
        let keyword = text[..<keywordEnd].uppercased()
        let rest = text[keywordEnd...].drop(while: { $0 == " " })
        let arguments = rest.split(separator: " ", omittingEmptySubsequences: true)
        guard arguments.allSatisfy({ $0.utf8.count <= maximumArgumentLength }) else { throw .argumentTooLong }

        switch keyword {
        case "USER":
            return .user(try single(arguments))
        case "PASS":
            // RFC 1939 §7: "a POP3 server may treat spaces in the argument as part of the password".
            // Exactly one separating space is dropped, so a password may begin with spaces.
            let password = text[keywordEnd...].dropFirst()
            guard !password.isEmpty else { throw .missingArgument }
            guard password.utf8.count <= maximumArgumentLength else { throw .argumentTooLong }
            return .pass(String(password))
        case "QUIT": try none(arguments); return .quit
        case "STAT": try none(arguments); return .stat
        case "NOOP": try none(arguments); return .noop
        case "RSET": try none(arguments); return .rset
        case "CAPA": try none(arguments); return .capa
        case "STLS": try none(arguments); return .stls
        case "UTF8": try none(arguments); return .utf8
        case "LIST": return .list(try optionalNumber(arguments))
        case "UIDL": return .uidl(try optionalNumber(arguments))
        case "RETR": return .retr(try number(single(arguments)))
        case "DELE": return .dele(try number(single(arguments)))
        case "TOP":
            // RFC 1939 §7: TOP msg n, n non-negative.
            guard arguments.count >= 2 else { throw .missingArgument }
            guard arguments.count == 2 else { throw .tooManyArguments }
            return .top(message: try number(arguments[0]), lines: try number(arguments[1]))
        case "AUTH":
            // RFC 5034 §4: AUTH mechanism [initial-response]; no argument lists mechanisms.
            guard arguments.count <= 2 else { throw .tooManyArguments }
            guard let mechanism = arguments.first else { return .auth(mechanism: nil, initialResponse: nil) }
            var initial = arguments.count == 2 ? String(arguments[1]) : nil
            if initial == "=" { initial = "" }  // RFC 5034 §4: "=" is an empty initial response
            return .auth(mechanism: mechanism.uppercased(), initialResponse: initial)
        default:
            throw .unknownCommand
        }
    }

    private static func none(_ arguments: [Substring]) throws(POP3CommandError) {
        guard arguments.isEmpty else { throw .tooManyArguments }
    }

    private static func single(_ arguments: [Substring]) throws(POP3CommandError) -> String {
        guard let first = arguments.first else { throw .missingArgument }
        guard arguments.count == 1 else { throw .tooManyArguments }
        return String(first)
    }

    private static func optionalNumber(_ arguments: [Substring]) throws(POP3CommandError) -> Int? {
        guard !arguments.isEmpty else { return nil }
        return try number(single(arguments))
    }

    /// Decimal digits only: no sign, no spaces, at most `maximumDigits`, so it never overflows.
    static func number(_ text: some StringProtocol) throws(POP3CommandError) -> Int {
        let digits = text.utf8
        guard !digits.isEmpty, digits.count <= maximumDigits,
              digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            throw .invalidNumber
        }
        return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
}
