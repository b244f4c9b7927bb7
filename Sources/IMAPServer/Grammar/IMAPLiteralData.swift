// Literal content as the parser hands it over: in memory, or streamed out by the framer.

/// The octets of a literal. Large APPEND literals are never buffered: the framer streams them
/// (`IMAPFramingEvent.streamedLiteralBytes`) and the parsed command refers to them by ordinal.
public enum IMAPLiteralData: Sendable, Equatable {
    case bytes([UInt8])
    case streamed(IMAPStreamedLiteral)
}

/// A literal whose octets went to the session in chunks while the command was being framed.
public struct IMAPStreamedLiteral: Sendable, Equatable {
    /// 0 for the first literal streamed in this command, 1 for the next (MULTIAPPEND).
    public var ordinal: Int
    public var octets: UInt64
    /// True for a `~{n}` literal8 (RFC 3516): may contain NUL.
    public var isBinary: Bool

    public init(ordinal: Int, octets: UInt64, isBinary: Bool) {
        self.ordinal = ordinal
        self.octets = octets
        self.isBinary = isBinary
    }
}
