// What the event-loop framing handler hands the connection's async session task.

import NIOCore

/// One unit the session reacts to. After each, `IMAPFramingHandler` pauses until the session
/// answers with an `IMAPOutboundInstruction` whose `Next` resumes it, so commands, continuation
/// requests and literal chunks are handled strictly in wire order (RFC 9051 §5.5).
public enum IMAPInboundFrame: Sendable, Equatable {
    /// A framer event: a command, a continuation request, a streamed literal chunk or a rejection.
    case framing(IMAPFramingEvent)
    /// Only while idling (RFC 2177): the change hub signalled a mailbox change. Many signals while
    /// the session was busy arrive as one frame.
    case mailboxChanged
    /// The client stayed silent past the autologout timer (RFC 9051 §5.4).
    case timedOut
    /// The server is shutting down; delivered when the session is waiting for the client.
    case shutdown
}
