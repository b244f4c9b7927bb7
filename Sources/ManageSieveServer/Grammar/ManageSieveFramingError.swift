// Why the framer could not hand over a command. Some are answered and the session goes on (the
// offending octets were skipped); the others leave the stream unsynchronised and end the session.

/// What went wrong while cutting a command out of the byte stream.
public enum ManageSieveFramingError: Error, Sendable, Equatable {
    /// A literal longer than the configured maximum; its octets were skipped (answer NO and go on).
    case literalTooLarge(UInt64)
    /// More literals in one command than any command takes; skipped (answer NO and go on).
    case tooManyLiterals
    /// A line without LF within the limit: the stream cannot be resynchronised safely (BYE).
    case lineTooLong
    /// A `{…}` announcement whose length is not a 32-bit number (RFC 5804 §4 `number`) (BYE).
    case invalidLiteralLength

    /// True when the session can answer and read the next command.
    public var isRecoverable: Bool {
        switch self {
        case .literalTooLarge, .tooManyLiterals: return true
        case .lineTooLong, .invalidLiteralLength: return false
        }
    }
}
