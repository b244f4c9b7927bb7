/// Builds the `BodyStructure` tree of a message in one pass per nesting level (RFC 2045, RFC 2046).
/// Recursion is bounded by `Limits.maximumDepth`; deeper multiparts and messages become opaque
/// leaves, and the total number of parts is bounded by `Limits.maximumParts`.
struct MIMETreeBuilder {
    let bytes: [UInt8]
    let limits: MessageParser.Limits
    private var remainingParts: Int

    init(bytes: [UInt8], limits: MessageParser.Limits) {
        self.bytes = bytes
        self.limits = limits
        self.remainingParts = max(1, limits.maximumParts) - 1   // the root is one part
    }

    /// Parses one entity (message or part) spanning `range` and returns its structure and header.
    mutating func entity(range: Range<Int>, depth: Int, isMIMEPart: Bool,
                         defaultType: ContentType) -> (BodyStructure, HeaderFields) {
        let scan = HeaderScanner.scan(bytes, range: range, maximumFields: limits.maximumHeaderFields,
                                      isMIMEPart: isMIMEPart)
        let header = scan.header
        var fields = MIMEFields()
        for field in header where field.name.utf8.count >= 10 && field.name.utf8.count <= 25 {
            fields.take(field)
        }
        var contentType = defaultType
        if let field = fields.contentType {
            // RFC 2045 §5.2: an unparsable Content-Type means text/plain; charset=us-ascii.
            contentType = ContentType(bytes: field.unfoldedValueBytes) ?? .default
        }
        if contentType.isText && contentType.charset == nil {
            contentType.parameters.append(MIMEParameter(name: "charset", value: "us-ascii"))
        }
        var encoding = fields.transferEncoding.map { String(utf8OrLatin1: $0.unfoldedValueBytes).lowercased() } ?? ""
        if encoding.isEmpty { encoding = "7bit" }   // RFC 2045 §6.1 default
        let bodyRange = min(scan.bodyStart, range.upperBound)..<range.upperBound

        var structure = BodyStructure(
            contentType: contentType,
            id: fields.id?.value,
            description: fields.description?.value,
            encoding: encoding,
            md5: fields.md5?.value,
            disposition: fields.disposition.flatMap { ContentDisposition(bytes: $0.unfoldedValueBytes) },
            language: fields.language.map(Self.languageTags),
            location: fields.location.map { Self.location($0.unfoldedValueBytes) },
            headerRange: header.range,
            bodyRange: bodyRange)

        if contentType.isMultipart {
            let boundary = contentType.parameters.value(for: "boundary").map { Array($0.utf8) } ?? []
            if depth >= limits.maximumDepth || boundary.isEmpty || boundary.count > 200 || remainingParts < 1 {
                structure.makeOpaque()
            } else {
                // RFC 2046 §5.1.5: parts of multipart/digest default to message/rfc822.
                let childDefault = contentType.subtype == "digest" ? ContentType.digestDefault : ContentType.default
                var ranges = MultipartSplitter.split(bytes, body: bodyRange, boundary: boundary,
                                                     maximumParts: remainingParts)
                if ranges.isEmpty {
                    // No delimiter at all: salvage the content as the only part instead of losing it.
                    ranges = [bodyRange]
                }
                var children: [BodyStructure] = []
                children.reserveCapacity(ranges.count)
                for childRange in ranges where remainingParts > 0 {
                    remainingParts -= 1
                    children.append(entity(range: childRange, depth: depth + 1, isMIMEPart: true,
                                           defaultType: childDefault).0)
                }
                structure.content = .multipart(children)
            }
        } else if contentType.isEncapsulatedMessage {
            structure.lineCount = LineCounter.count(bytes, in: bodyRange)
            // RFC 2046 §5.2.1: only identity encodings are allowed; an encoded one cannot be sliced.
            if depth >= limits.maximumDepth || remainingParts < 1 || !["7bit", "8bit", "binary"].contains(encoding) {
                structure.makeOpaque()
            } else {
                remainingParts -= 1
                let (inner, innerHeader) = entity(range: bodyRange, depth: depth + 1, isMIMEPart: false,
                                                  defaultType: .default)
                structure.content = .message(EncapsulatedMessage(envelope: Envelope(header: innerHeader), body: inner))
            }
        } else if contentType.isText {
            structure.lineCount = LineCounter.count(bytes, in: bodyRange)
        }
        return (structure, header)
    }

    /// RFC 3282 Content-Language: a comma-separated list of language tags (comments dropped).
    private static func languageTags(_ field: HeaderField) -> [String] {
        let parsed = ParameterizedValue(field.unfoldedValueBytes)   // removes comments and spaces
        return parsed.leading.split(separator: ",").map(String.init).filter { !$0.isEmpty }
    }

    /// RFC 2557 §4.4.2: a folded Content-Location URI has its whitespace removed.
    private static func location(_ bytes: [UInt8]) -> String {
        String(utf8OrLatin1: bytes.filter { !ASCII.isWhitespaceOrNewline($0) })
    }
}

/// The MIME header fields of one entity (the first of each kind wins).
private struct MIMEFields {
    var contentType: HeaderField?
    var transferEncoding: HeaderField?
    var id: HeaderField?
    var description: HeaderField?
    var md5: HeaderField?
    var disposition: HeaderField?
    var language: HeaderField?
    var location: HeaderField?

    mutating func take(_ field: HeaderField) {
        guard field.name.utf8.first.map({ $0 | 0x20 }) == 0x63 else { return }   // all start with "c"
        if contentType == nil, field.hasName("Content-Type") { contentType = field }
        else if transferEncoding == nil, field.hasName("Content-Transfer-Encoding") { transferEncoding = field }
        else if id == nil, field.hasName("Content-ID") { id = field }
        else if description == nil, field.hasName("Content-Description") { description = field }
        else if md5 == nil, field.hasName("Content-MD5") { md5 = field }
        else if disposition == nil, field.hasName("Content-Disposition") { disposition = field }
        else if language == nil, field.hasName("Content-Language") { language = field }
        else if location == nil, field.hasName("Content-Location") { location = field }
    }
}

extension BodyStructure {
    /// Turns a part that cannot be represented as what it claims into an opaque leaf that IMAP can
    /// still describe and serve byte for byte.
    fileprivate mutating func makeOpaque() {
        contentType = ContentType(type: "application", subtype: "octet-stream",
                                  parameters: contentType.parameters.filter { $0.name != "boundary" })
        lineCount = 0
        content = .single
    }
}
