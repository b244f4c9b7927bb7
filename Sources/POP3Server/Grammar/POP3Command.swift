// The POP3 commands Facteur understands, as parsed values (RFC 1939 §§4-7, RFC 2449, RFC 2595,
// RFC 5034, RFC 6856). APOP is not offered and parses as unknown.

/// One client command. Message numbers are kept as parsed (`Int`); the session checks the range
/// against its maildrop, so "RETR 0" and "RETR 4294967296" both reach it and get -ERR there.
public enum POP3Command: Sendable, Equatable {
    case user(String)
    /// The whole rest of the line: RFC 1939 §7 lets a password contain spaces.
    case pass(String)
    case quit
    case stat
    case list(Int?)
    case retr(Int)
    case dele(Int)
    case noop
    case rset
    case top(message: Int, lines: Int)
    case uidl(Int?)
    case capa
    /// RFC 5034 §4; both nil lists the mechanisms. An initial response of "=" arrives as "".
    case auth(mechanism: String?, initialResponse: String?)
    case stls
    case utf8

    /// The keyword, upper-case: the `command` dimension of the metrics and the trace.
    public var keyword: String {
        switch self {
        case .user: "USER"
        case .pass: "PASS"
        case .quit: "QUIT"
        case .stat: "STAT"
        case .list: "LIST"
        case .retr: "RETR"
        case .dele: "DELE"
        case .noop: "NOOP"
        case .rset: "RSET"
        case .top: "TOP"
        case .uidl: "UIDL"
        case .capa: "CAPA"
        case .auth: "AUTH"
        case .stls: "STLS"
        case .utf8: "UTF8"
        }
    }
}
