// What travels between the event-loop framing handler and the connection's async session task.

import NIOCore

/// Inbound: one unit the session reacts to. After each the framing handler pauses until the
/// session answers with an instruction whose `next` is not `.more`.
enum ManageSieveInboundFrame: Sendable, Equatable {
    /// A complete command (or SASL response) with its literals.
    case command(ManageSieveCommandLine)
    /// The framer refused the command (see `ManageSieveFramingError.isRecoverable`).
    case rejected(ManageSieveFramingError)
    /// The client stayed silent past the inactivity timer (RFC 5804 §1.2).
    case timedOut
    /// The server is shutting down and the session is waiting for a command.
    case shutdown
}

/// Outbound: bytes to write and what to read next.
enum ManageSieveOutboundInstruction: Sendable {
    enum Next: Sendable, Equatable {
        /// More output follows; stay paused.
        case more
        /// Read the next command.
        case command
        /// Discard buffered input, then insert the TLS handler at the front (RFC 5804 §2.2,
        /// CVE-2011-0411).
        case startTLS
        /// Flush, then close the connection.
        case close
    }

    case send(ByteBuffer, then: Next)
    /// Sets the largest literal the framer accepts from now on (lower before authentication).
    case setLiteralLimit(Int)
    /// Switches the inactivity timer between the pre-login timeout (`false`) and the
    /// authenticated one (`true`): AUTHENTICATE success and UNAUTHENTICATE send it.
    case setAuthenticated(Bool)
}

/// Sent with `Channel.triggerUserOutboundEvent` to begin graceful shutdown of one connection.
struct ManageSieveShutdownEvent: Sendable {}
