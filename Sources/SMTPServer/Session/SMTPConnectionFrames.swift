// What travels between the event-loop framing handler and the connection's async session task.

import NIOSSL
import ProtocolListener

/// Inbound: one unit the session has to react to. The framing handler emits one and then waits
/// (paused) for the session's `SMTPOutboundInstruction`, so nothing runs ahead of a decision.
enum SMTPInboundFrame: Sendable, Equatable {
    /// A command line without its line ending.
    case line([UInt8])
    /// A command line longer than the limit was dropped (RFC 5321 §4.5.3.1.4).
    case lineTooLong
    /// Two or more command lines that were already buffered together (a PIPELINING group, RFC 2920):
    /// every one but the last is RSET, MAIL or RCPT, whose replies RFC 2920 §3.2 (2) lets us hold
    /// back and send as a unit with the last one's. Why: one hand-off to the session and one write
    /// for `MAIL, RCPT…, DATA` instead of one per command (issue 8). The session answers them in
    /// order with one instruction.
    case pipelined([LineFramer.Line])
    /// The end of DATA.
    case message([UInt8], tooLarge: Bool, bareLineEnding: Bool, octets: Int)
    /// A BDAT chunk; nil when it was discarded.
    case chunk([UInt8]?, octets: Int)
    /// The TLS handshake finished (STARTTLS or implicit TLS).
    case tlsEstablished(SMTPSessionInfo.TLSInfo)
    /// The client stayed silent past the timeout (RFC 5321 §4.5.3.2).
    case timedOut
    /// The server is shutting down and the session is between transactions.
    case shutdown
}

/// Outbound: replies to write and what to read next.
enum SMTPOutboundInstruction: Sendable {
    enum Next: Sendable {
        case command
        case data
        case chunk(size: Int, keep: Bool)
        /// Discard buffered input, then insert the TLS handler at the front (RFC 3207 §4, CVE-2011-0411).
        case startTLS
        case close
    }

    case reply([SMTPReply], then: Next)
}

/// Sent with `Channel.triggerUserOutboundEvent` to begin graceful shutdown of one connection.
struct SMTPShutdownEvent: Sendable {}

extension TLSVersion {
    /// The names Received headers use (RFC 8314 §7 examples).
    var protocolName: String {
        switch self {
        case .tlsv1: "TLSv1"
        case .tlsv11: "TLSv1.1"
        case .tlsv12: "TLSv1.2"
        case .tlsv13: "TLSv1.3"
        }
    }
}
