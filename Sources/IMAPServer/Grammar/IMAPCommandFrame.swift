// One complete client command as the framer delivers it: the unit the parser works on.

/// The bytes of one command: its lines and inline literals exactly as sent (each literal's
/// `{n}` CRLF kept, the final CRLF removed). Literals the framer streamed out instead of
/// buffering are absent from `bytes` and listed in `streamedLiterals`.
public struct IMAPCommandFrame: Sendable, Equatable {
    /// Where a streamed literal's octets would have been.
    public struct StreamedLiteralMark: Sendable, Equatable {
        /// Offset into `bytes` just after the literal's `{n}` CRLF.
        public var offset: Int
        public var octets: UInt64

        public init(offset: Int, octets: UInt64) {
            self.offset = offset
            self.octets = octets
        }
    }

    public var bytes: [UInt8]
    public var streamedLiterals: [StreamedLiteralMark]

    public init(_ bytes: [UInt8], streamedLiterals: [StreamedLiteralMark] = []) {
        self.bytes = bytes
        self.streamedLiterals = streamedLiterals
    }

    /// Convenience for tests and transcripts: `IMAPCommandFrame("a1 LOGIN {4}\r\nfred pw")`.
    public init(_ text: String) {
        self.init(Array(text.utf8))
    }
}
