// One complete client command as the framer cut it out of the byte stream: the text of its lines
// with every literal's octets set apart, so the tokenizer never has to look for a literal's end.

/// A command (or a SASL response) with its literals already read. RFC 5804 §1.1: "either reading
/// a line or reading a sequence of octets with a known count followed by a line".
public struct ManageSieveCommandLine: Sendable, Equatable {
    public enum Segment: Sendable, Equatable {
        /// Text of a line, without the CRLF and without a trailing `{n+}` announcement.
        case text([UInt8])
        /// The octets of a literal string (RFC 5804 §4 literal-c2s).
        case literal([UInt8])
    }

    public var segments: [Segment]

    public init(_ segments: [Segment]) {
        self.segments = segments
    }

    /// Convenience for tests and for commands without literals.
    public init(text: String) {
        self.segments = [.text(Array(text.utf8))]
    }
}
