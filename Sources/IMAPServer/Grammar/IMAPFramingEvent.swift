// What the framer hands the session, one event at a time.

import NIOCore

/// One step of framing a client byte stream. Events arrive in wire order; the session acts on
/// each before asking for the next (a continuation request must be written before the client
/// sends the literal).
public enum IMAPFramingEvent: Sendable, Equatable {
    /// A complete command, ready for `IMAPCommandParser.parse`.
    case command(IMAPCommandFrame)
    /// A synchronising literal was announced: write `+ Ready` (or refuse it, see the framer).
    case continuationRequest(IMAPLiteralAnnouncement)
    /// A large APPEND literal begins; its octets follow as `streamedLiteralBytes`.
    case streamedLiteralStart(IMAPLiteralAnnouncement)
    case streamedLiteralBytes(ByteBuffer)
    case streamedLiteralEnd
    /// A command broke a limit; send `error.response`. The framer has resynchronised.
    case rejected(IMAPFramingError)
}
