// The text SEARCH BODY/TEXT compare against (RFC 9051 §6.4.4), computed one way for both readers
// of it: the IMAP matcher, which reads octets lazily per message, and the store's full-text index,
// which computes it once at delivery. Sharing these functions is what keeps the index a faithful
// candidate filter: it can only ever contain what the matcher would see.

/// Pieces of a message as SEARCH sees them: header fields unfolded, RFC 2047 words decoded and
/// folded; text parts transfer-decoded, charset-decoded, HTML without markup, folded.
public enum MessageSearchText {
    /// Parts of one message's MIME tree visited for BODY and TEXT.
    public static let maximumParts = 1_000
    /// Header octets read per header block: enough for any real header, bounded for hostile ones.
    public static let maximumHeaderOctets = 1 << 20

    /// A header field as HEADER and TEXT match it: the name as written, the value unfolded, with
    /// RFC 2047 words decoded and folded.
    public struct Field: Sendable, Equatable {
        public var name: String
        public var foldedValue: [UInt8]
        public init(name: String, foldedValue: [UInt8]) {
            self.name = name
            self.foldedValue = foldedValue
        }
    }

    /// The well-formed fields of a header block (malformed lines are not searchable text).
    public static func fields(of bytes: [UInt8]) -> [Field] {
        MessageParser.headerFields(of: bytes).compactMap { field in
            field.isMalformed ? nil : Field(name: field.name, foldedValue: SearchFolding.fold(EncodedWord.decode(field.value)))
        }
    }

    /// The fields as one folded text, a "name: value" line each: what TEXT searches in a header.
    public static func joined(_ fields: [Field]) -> [UInt8] {
        var text: [UInt8] = []
        for field in fields {
            text += SearchFolding.fold(field.name)
            text += Array(": ".utf8)
            text += field.foldedValue
            text.append(UInt8(ascii: "\n"))
        }
        return text
    }

    /// The folded text of one text part from its raw (still transfer-encoded) body octets: RFC 9051
    /// §6.4.4 "transfer encodings MUST be decoded before comparing text"; HTML without markup.
    public static func foldedText(of part: BodyStructure, raw: [UInt8]) -> [UInt8] {
        let decoded = ContentDecoder.decode(raw, encoding: part.encoding)
        var text = Charset.decode(decoded, charset: part.contentType.charset ?? "us-ascii")
            ?? String(decoding: decoded, as: UTF8.self)
        if part.contentType.subtype == "html" { text = SearchHTMLText.plainText(from: text) }
        return SearchFolding.fold(text)
    }

    /// Leaf text/* parts, depth first in message order, at most `maximumParts` nodes visited. Parts
    /// inside attached messages count: they are part of this message's body. Iterative: the tree's
    /// depth is bounded by the parser, but a stack costs nothing.
    public static func textParts(of root: BodyStructure) -> [BodyStructure] {
        var parts: [BodyStructure] = []
        var stack = [root]
        var visited = 0
        while let node = stack.popLast(), visited < maximumParts {
            visited += 1
            switch node.content {
            case .single where node.contentType.isText: parts.append(node)
            case .single: continue
            case .multipart(let children): stack.append(contentsOf: children.reversed())
            case .message(let message): stack.append(message.body)
            }
        }
        return parts
    }

    /// Header ranges of every part below the root (MIME headers, and the header of each attached
    /// message), in message order: TEXT matches "the header (including MIME header fields)".
    public static func partHeaderRanges(of root: BodyStructure) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var stack: [(BodyStructure, isRoot: Bool)] = [(root, true)]
        var visited = 0
        while let (node, isRoot) = stack.popLast(), visited < maximumParts {
            visited += 1
            if !isRoot && !node.headerRange.isEmpty { ranges.append(node.headerRange) }
            switch node.content {
            case .single: continue
            case .multipart(let children): stack.append(contentsOf: children.reversed().map { ($0, false) })
            case .message(let message): stack.append((message.body, false))
            }
        }
        return ranges
    }
}
