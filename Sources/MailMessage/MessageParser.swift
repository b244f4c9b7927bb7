/// Entry point: parse a message (RFC 5322 + MIME) once, at delivery or APPEND. Never throws and
/// never traps: any bytes give a best-effort result, with every size and depth bounded.
public enum MessageParser {
    /// Bounds that keep hostile input cheap. Defaults suit real mail with a wide margin.
    public struct Limits: Sendable, Equatable {
        /// MIME nesting (multipart and message/rfc822 levels); deeper entities become opaque leaves.
        public var maximumDepth: Int
        /// Parts in the whole tree, root included; further parts are left out of the structure.
        public var maximumParts: Int
        /// Header fields kept per header block; further fields still count toward the header range.
        public var maximumHeaderFields: Int

        public init(maximumDepth: Int = 64, maximumParts: Int = 10_000, maximumHeaderFields: Int = 1_000) {
            self.maximumDepth = maximumDepth
            self.maximumParts = maximumParts
            self.maximumHeaderFields = maximumHeaderFields
        }

        public static let `default` = Limits()
    }

    public static func parse(_ bytes: [UInt8], limits: Limits = .default) -> ParsedMessage {
        var builder = MIMETreeBuilder(bytes: bytes, limits: limits)
        let (root, header) = builder.entity(range: 0..<bytes.count, depth: 0, isMIMEPart: false,
                                            defaultType: .default)
        let summary = MessageSummary(
            envelope: Envelope(header: header),
            bodyStructure: root,
            headerLength: header.range.count,
            totalSize: bytes.count,
            preview: PreviewExtractor.preview(of: root, in: bytes),
            search: SearchText(header: header))
        return ParsedMessage(header: header, summary: summary)
    }

    /// Only the top-level header fields (no MIME work), for callers such as SMTP's Received/loop
    /// checks or DKIM that do not need the structure.
    public static func headerFields(of bytes: [UInt8], limits: Limits = .default) -> HeaderFields {
        HeaderScanner.scan(bytes, range: 0..<bytes.count, maximumFields: limits.maximumHeaderFields,
                           isMIMEPart: false).header
    }
}
