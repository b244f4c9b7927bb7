// What travels between the event-loop framing handler and the connection's async session task.

import MailStore
import NIOCore

/// Inbound: one unit the session reacts to. After each the framing handler pauses until the
/// session answers with a `POP3OutboundInstruction` whose `next` is not `.more`.
enum POP3InboundFrame: Sendable, Equatable {
    /// A line without its line ending (a command, or a SASL response when the session asked for one).
    case line([UInt8])
    /// A line over the limit was dropped up to its LF.
    case lineTooLong
    /// The client stayed silent past the autologout timer (RFC 1939 §3).
    case timedOut
    /// The server is shutting down and the session is waiting for a command.
    case shutdown
}

/// Outbound: bytes to write and what to read next.
enum POP3OutboundInstruction: Sendable {
    enum Next: Sendable, Equatable {
        /// More output follows (a message in chunks); stay paused.
        case more
        /// Read the next command line.
        case command
        /// Read one SASL response line (RFC 5034 §4), which may be longer than a command.
        case saslResponse
        /// Discard buffered input, then insert the TLS handler at the front (RFC 2595 §4, CVE-2011-0411).
        case startTLS
        /// Flush, then close the connection.
        case close
    }

    case send(ByteBuffer, then: Next)
    /// The whole content file, written as `FileRegion`s (sendfile) split at `dotsAt` (ascending
    /// content offsets) with one "." written before each, then stay paused: a RETR of a message
    /// whose stuffing is known (`MailStore.plainContentFile`). Only on a connection without TLS:
    /// the TLS handler takes bytes, not files.
    case sendFile(PlainContentFile, dotsAt: [Int])
    /// Replaces the handler's table of ready RETR answers (POP3PreparedAnswers.swift); writes
    /// nothing. Sent just before a `.command` reply, in the same batch.
    case offer(POP3PreparedAnswers)
}

/// Sent with `Channel.triggerUserOutboundEvent` to begin graceful shutdown of one connection.
struct POP3ShutdownEvent: Sendable {}

/// Sent by the session once the maildrop is open: the framing handler switches from the
/// pre-login timeout to the RFC 1939 §3 autologout timer.
struct POP3LoggedInEvent: Sendable {}
