/// The ordered header fields of one header block, with case-insensitive lookup, plus where the
/// block ends so callers can slice BODY[HEADER] / BODY[TEXT] without parsing again.
public struct HeaderFields: Sendable, Equatable, RandomAccessCollection {
    public let fields: [HeaderField]
    /// The header block including its terminating empty line (RFC 9051 §7.5.2: BODY[HEADER]
    /// includes the blank line), as offsets in the parsed message.
    public let range: Range<Int>
    /// True when more fields were present than the parser keeps (see `MessageParser.Limits`).
    public let isTruncated: Bool

    public init(fields: [HeaderField], range: Range<Int>, isTruncated: Bool = false) {
        self.fields = fields
        self.range = range
        self.isTruncated = isTruncated
    }

    public var startIndex: Int { fields.startIndex }
    public var endIndex: Int { fields.endIndex }
    public subscript(position: Int) -> HeaderField { fields[position] }

    /// First field with this name (case-insensitive), as RFC 5322 fields that may occur once are read.
    public func first(named name: String) -> HeaderField? {
        fields.first { $0.hasName(name) }
    }

    /// Every field with this name, in message order.
    public func all(named name: String) -> [HeaderField] {
        fields.filter { $0.hasName(name) }
    }

    /// Unfolded value of the first field with this name.
    public func value(of name: String) -> String? {
        first(named: name)?.value
    }
}
