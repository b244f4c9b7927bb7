// The commands of RFC 5321 §4.1.1 and its extensions, as the parser hands them to the session.

/// One parsed client command; the session state machine decides whether it is allowed now.
/// Sendable value so it can cross from the framing code into the session task.
public enum SMTPCommand: Sendable, Equatable {
    /// EHLO, RFC 5321 §4.1.1.1: the client's name (domain or address literal).
    case ehlo(String)
    /// HELO, RFC 5321 §4.1.1.1.
    case helo(String)
    /// LHLO, RFC 2033 §4.1: LMTP's EHLO.
    case lhlo(String)
    /// MAIL FROM, RFC 5321 §4.1.1.2, with its ESMTP parameters already decoded. No recipients yet.
    case mail(SMTPEnvelope)
    /// RCPT TO, RFC 5321 §4.1.1.3, with the DSN parameters of RFC 3461 §4.
    case rcpt(SMTPRecipient)
    /// DATA, RFC 5321 §4.1.1.4.
    case data
    /// BDAT chunk-size [LAST], RFC 3030 §2.
    case bdat(size: Int, last: Bool)
    /// RSET, RFC 5321 §4.1.1.5.
    case rset
    /// VRFY, RFC 5321 §4.1.1.6.
    case vrfy(String)
    /// EXPN, RFC 5321 §4.1.1.7.
    case expn(String)
    /// HELP, RFC 5321 §4.1.1.8.
    case help(String?)
    /// NOOP, RFC 5321 §4.1.1.9.
    case noop
    /// QUIT, RFC 5321 §4.1.1.10.
    case quit
    /// STARTTLS, RFC 3207 §4.
    case startTLS
    /// AUTH, RFC 4954: recognised so it gets a precise reply; its arguments are never logged.
    case auth(mechanism: String)

    /// The verb for metrics dimensions and logs (bounded set of values).
    public var verb: String {
        switch self {
        case .ehlo: "EHLO"
        case .helo: "HELO"
        case .lhlo: "LHLO"
        case .mail: "MAIL"
        case .rcpt: "RCPT"
        case .data: "DATA"
        case .bdat: "BDAT"
        case .rset: "RSET"
        case .vrfy: "VRFY"
        case .expn: "EXPN"
        case .help: "HELP"
        case .noop: "NOOP"
        case .quit: "QUIT"
        case .startTLS: "STARTTLS"
        case .auth: "AUTH"
        }
    }
}
