/// Compact stored form of `BodyStructure`: one flat JSON object per part (children under "p", the
/// encapsulated message under "m"), defaults left out, so a 64-deep tree stays well inside
/// JSONDecoder's nesting limit and a typical summary stays small.
extension BodyStructure: Codable {
    enum CodingKeys: String, CodingKey {
        case contentType = "c", id = "i", description = "ds", encoding = "e", md5 = "m5",
             disposition = "dp", language = "lg", location = "lc", headerRange = "h", bodyRange = "b",
             lineCount = "n", parts = "p", message = "m"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let content: Content
        if let parts = try container.decodeIfPresent([BodyStructure].self, forKey: .parts) {
            content = .multipart(parts)
        } else if let message = try container.decodeIfPresent(EncapsulatedMessage.self, forKey: .message) {
            content = .message(message)
        } else {
            content = .single
        }
        self.init(
            contentType: try container.decode(ContentType.self, forKey: .contentType),
            id: try container.decodeIfPresent(String.self, forKey: .id),
            description: try container.decodeIfPresent(String.self, forKey: .description),
            encoding: try container.decodeIfPresent(String.self, forKey: .encoding) ?? "7bit",
            md5: try container.decodeIfPresent(String.self, forKey: .md5),
            disposition: try container.decodeIfPresent(ContentDisposition.self, forKey: .disposition),
            language: try container.decodeIfPresent([String].self, forKey: .language),
            location: try container.decodeIfPresent(String.self, forKey: .location),
            headerRange: try container.decode(Range<Int>.self, forKey: .headerRange),
            bodyRange: try container.decode(Range<Int>.self, forKey: .bodyRange),
            lineCount: try container.decodeIfPresent(Int.self, forKey: .lineCount) ?? 0,
            content: content)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(contentType, forKey: .contentType)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encodeIfPresent(description, forKey: .description)
        if encoding != "7bit" { try container.encode(encoding, forKey: .encoding) }
        try container.encodeIfPresent(md5, forKey: .md5)
        try container.encodeIfPresent(disposition, forKey: .disposition)
        try container.encodeIfPresent(language, forKey: .language)
        try container.encodeIfPresent(location, forKey: .location)
        try container.encode(headerRange, forKey: .headerRange)
        try container.encode(bodyRange, forKey: .bodyRange)
        if lineCount != 0 { try container.encode(lineCount, forKey: .lineCount) }
        switch content {
        case .single: break
        case .multipart(let parts): try container.encode(parts, forKey: .parts)
        case .message(let message): try container.encode(message, forKey: .message)
        }
    }
}
