/// The result of parsing a message once: its top-level header fields (zero-copy slices of the
/// caller's bytes, for DKIM, Sieve and header searches) and the storable summary.
public struct ParsedMessage: Sendable {
    /// Top-level header fields, in order; `header.range` is BODY[HEADER].
    public let header: HeaderFields
    /// What gets stored: envelope, structure with byte ranges, sizes, preview, search text.
    public let summary: MessageSummary

    public init(header: HeaderFields, summary: MessageSummary) {
        self.header = header
        self.summary = summary
    }

    public var envelope: Envelope { summary.envelope }
    /// The MIME tree with every part's byte ranges.
    public var bodyStructure: BodyStructure { summary.bodyStructure }
    /// BODY[TEXT]: from after the blank line to the end.
    public var bodyRange: Range<Int> { summary.bodyStructure.bodyRange }
}
