// The body structure part of the binary summary form (see MessageSummary+Binary.swift):
//
//   body        = content-type id:str? description:str? encoding:str md5:str? disposition
//                 language location:str? headerRange:range bodyRange:range lineCount:int content
//   content-type = type:str subtype:str parameters
//   parameters  = count (name:str value:str)*          (in their original order)
//   disposition = 0 (nil) / 1 type:str parameters
//   language    = 0 (nil) / count+1 tag:str*
//   range       = lowerBound:int length:varint
//   content     = 0 (single) / 1 count body* (multipart) / 2 envelope body (message/rfc822|global)
//
// Recursion is bounded by `SummaryReader.maximumTreeDepth`, the parser's own nesting limit.
extension SummaryWriter {
    mutating func write(_ node: BodyStructure, depth: Int) {
        if depth > SummaryReader.maximumTreeDepth { exceededDepth = true }
        string(node.contentType.type)
        string(node.contentType.subtype)
        write(node.contentType.parameters)
        optionalString(node.id)
        optionalString(node.description)
        string(node.encoding)
        optionalString(node.md5)
        if let disposition = node.disposition {
            byte(1)
            string(disposition.type)
            write(disposition.parameters)
        } else {
            byte(0)
        }
        if let language = node.language {
            count(language.count + 1)
            for tag in language { string(tag) }
        } else {
            byte(0)
        }
        optionalString(node.location)
        write(node.headerRange)
        write(node.bodyRange)
        int(node.lineCount)
        switch node.content {
        case .single:
            byte(0)
        case .multipart(let parts):
            byte(1)
            count(parts.count)
            for part in parts { write(part, depth: depth + 1) }
        case .message(let message):
            byte(2)
            write(message.envelope)
            write(message.body, depth: depth + 1)
        }
    }

    private mutating func write(_ parameters: [MIMEParameter]) {
        count(parameters.count)
        for parameter in parameters {
            string(parameter.name)
            string(parameter.value)
        }
    }

    /// Length rather than upper bound: shorter, and valid by construction. Computed with wrapping
    /// arithmetic, so even a range spanning all of Int is stored exactly.
    private mutating func write(_ range: Range<Int>) {
        int(range.lowerBound)
        varint(UInt64(bitPattern: Int64(range.upperBound)) &- UInt64(bitPattern: Int64(range.lowerBound)))
    }
}

extension SummaryReader {
    /// Smallest encoded node: one byte for each of its fourteen fields, two for each range.
    private static let minimumNodeSize = 16

    mutating func bodyStructure(depth: Int) throws(SummaryDecodingError) -> BodyStructure {
        guard depth <= Self.maximumTreeDepth else { throw .malformed("body structure nested too deeply") }
        let contentType = ContentType(storedType: try string(), subtype: try string(), parameters: try parameters())
        let id = try optionalString()
        let description = try optionalString()
        let encoding = try string()
        let md5 = try optionalString()
        let disposition: ContentDisposition?
        switch try byte() {
        case 0: disposition = nil
        case 1: disposition = ContentDisposition(storedType: try string(), parameters: try parameters())
        default: throw .malformed("unknown disposition marker")
        }
        let language: [String]?
        let languageMarker = try varint()
        if languageMarker == 0 {
            language = nil
        } else {
            guard languageMarker - 1 <= UInt64(remaining) else { throw .malformed("count exceeds input") }
            var tags: [String] = []
            tags.reserveCapacity(Int(languageMarker - 1))
            for _ in 0..<(languageMarker - 1) { tags.append(try string()) }
            language = tags
        }
        let location = try optionalString()
        let headerRange = try range()
        let bodyRange = try range()
        let lineCount = try int()
        let content: BodyStructure.Content
        switch try byte() {
        case 0:
            content = .single
        case 1:
            let count = try count(minimumElementSize: Self.minimumNodeSize)
            var parts: [BodyStructure] = []
            parts.reserveCapacity(count)
            for _ in 0..<count { parts.append(try bodyStructure(depth: depth + 1)) }
            content = .multipart(parts)
        case 2:
            let envelope = try envelope()
            content = .message(EncapsulatedMessage(envelope: envelope, body: try bodyStructure(depth: depth + 1)))
        default:
            throw .malformed("unknown content marker")
        }
        return BodyStructure(contentType: contentType, id: id, description: description, encoding: encoding,
                             md5: md5, disposition: disposition, language: language, location: location,
                             headerRange: headerRange, bodyRange: bodyRange, lineCount: lineCount, content: content)
    }

    private mutating func parameters() throws(SummaryDecodingError) -> [MIMEParameter] {
        let count = try count(minimumElementSize: 2)
        guard count > 0 else { return [] }
        var parameters: [MIMEParameter] = []
        parameters.reserveCapacity(count)
        for _ in 0..<count {
            parameters.append(MIMEParameter(name: try string(), value: try string()))
        }
        return parameters
    }

    private mutating func range() throws(SummaryDecodingError) -> Range<Int> {
        let lowerBound = try int()
        let length = try varint()
        let upperBound = Int(Int64(bitPattern: UInt64(bitPattern: Int64(lowerBound)) &+ length))
        // A length that runs past Int.max wraps below the lower bound.
        guard upperBound >= lowerBound else { throw .malformed("range overflows") }
        return lowerBound..<upperBound
    }
}

extension ContentType {
    /// The stored values as they are: they were lower-cased when parsed, and lower-casing again on
    /// every read would cost more than the rest of the decoding.
    fileprivate init(storedType type: String, subtype: String, parameters: [MIMEParameter]) {
        self.type = type
        self.subtype = subtype
        self.parameters = parameters
    }
}

extension ContentDisposition {
    fileprivate init(storedType type: String, parameters: [MIMEParameter]) {
        self.type = type
        self.parameters = parameters
    }
}
