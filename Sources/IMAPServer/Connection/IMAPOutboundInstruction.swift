// What the connection's async session task tells the event-loop framing handler.

import NIOCore

/// Bytes to write, or a timer setting, and what the handler does next. The session answers
/// every `IMAPInboundFrame` with instructions ending in one whose `Next` is not `.more`.
public enum IMAPOutboundInstruction: Sendable, Equatable {
    /// What the handler does after writing.
    public enum Next: Sendable, Equatable {
        /// More output follows for this command (a streamed FETCH): stay paused.
        case more
        /// The command is finished, or a literal was accepted with "+": resume framing.
        case command
        /// The announced synchronising literal is refused (the bytes are its tagged NO/BAD):
        /// the client abandons the command (RFC 9051 §7.5), framing resumes with the next one.
        case refuseLiteral
        /// IDLE is running (RFC 2177): resume reading lines (DONE) and deliver `.mailboxChanged`.
        case idle
        /// A SASL challenge went out: the next line, even an empty one, is the client's response
        /// (RFC 9051 §6.2.2; SCRAM's last step is answered with an empty line).
        case saslResponse
        /// Write the tagged OK, discard buffered plaintext, then start TLS on the live pipeline
        /// (RFC 9051 §6.2.1; CVE-2011-0411).
        case startTLS
        /// Write the tagged OK uncompressed, then compress both directions from the next octet
        /// on (RFC 4978 §3).
        case startCompression
        /// Write, then close the connection.
        case close
    }

    case send(ByteBuffer, then: Next)
    /// Changes the autologout timer from the next wait on (RFC 9051 §5.4: at least 30 minutes
    /// once authenticated; a shorter timer before login guards against idle connections).
    case setAutologout(TimeAmount)
    /// NOTIFY is on or off (RFC 5465 §3.1): while on, change signals are delivered as
    /// `.mailboxChanged` whenever the session waits for the client, not only during IDLE.
    case setNotifications(Bool)
}
