import Foundation

/// Everything IMAP (and POP3, Sieve, search) needs about a stored message, computed once at
/// delivery and stored next to the bytes: FETCH ENVELOPE/BODYSTRUCTURE/BODY[section]/PREVIEW/
/// RFC822.SIZE and SEARCH are answered from this without parsing the message again.
public struct MessageSummary: Codable, Sendable, Equatable {
    /// Version of the stored form, so a later format can tell old rows apart: 1 was JSON, 2 is the
    /// binary form whose first byte is this number, 3 adds the References header (for THREAD)
    /// at the end; version 2 rows still decode, with no references.
    public static let formatVersion = 3

    public var envelope: Envelope
    /// Root of the MIME tree; its `headerRange` is the message header, `bodyRange` the text.
    public var bodyStructure: BodyStructure
    /// Octets of the header including the blank line (BODY[HEADER] size).
    public var headerLength: Int
    /// Octets of the whole message (RFC822.SIZE of the stored bytes).
    public var totalSize: Int
    /// RFC 8970 preview (≤ 200 characters), nil when the message has no usable text part.
    public var preview: String?
    public var search: SearchText

    public init(envelope: Envelope, bodyStructure: BodyStructure, headerLength: Int, totalSize: Int,
                preview: String?, search: SearchText) {
        self.envelope = envelope
        self.bodyStructure = bodyStructure
        self.headerLength = headerLength
        self.totalSize = totalSize
        self.preview = preview
        self.search = search
    }

    /// The stored form: the binary layout of `MessageSummary+Binary.swift`, which IMAP decodes for
    /// every message of a FETCH or SEARCH in a few microseconds (JSON took tens).
    public func encoded() -> Data {
        // A tree deeper than the parser ever builds cannot be read back as binary: keep it as JSON.
        guard let bytes = binaryEncoded() else { return jsonEncoded() }
        return Data(bytes)
    }

    /// Reads the stored form back: the binary form, or the JSON of rows written by earlier versions
    /// (a JSON row starts with "{"). Throws on truncated or corrupt input, never traps.
    public static func decode(_ data: Data) throws -> MessageSummary {
        guard let first = data.first else { throw SummaryDecodingError.truncated }
        if first == UInt8(ascii: "{") { return try JSONDecoder().decode(MessageSummary.self, from: data) }
        return try data.withUnsafeBytes { raw in
            try raw.withMemoryRebound(to: UInt8.self) { try decodeBinary($0) }
        }
    }

    /// The same for stored bytes already in an array (as some database drivers return them).
    public static func decode(bytes: [UInt8]) throws -> MessageSummary {
        guard let first = bytes.first else { throw SummaryDecodingError.truncated }
        if first == UInt8(ascii: "{") { return try JSONDecoder().decode(MessageSummary.self, from: Data(bytes)) }
        return try bytes.withUnsafeBufferPointer { try decodeBinary($0) }
    }

    enum CodingKeys: String, CodingKey {
        case version = "v", envelope = "e", bodyStructure = "b", headerLength = "h", totalSize = "z",
             preview = "p", search = "s"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let version = try container.decodeIfPresent(Int.self, forKey: .version) ?? 1
        guard version <= Self.formatVersion else {
            throw DecodingError.dataCorruptedError(forKey: .version, in: container,
                                                   debugDescription: "summary format \(version) is newer than this build")
        }
        self.init(envelope: try container.decode(Envelope.self, forKey: .envelope),
                  bodyStructure: try container.decode(BodyStructure.self, forKey: .bodyStructure),
                  headerLength: try container.decode(Int.self, forKey: .headerLength),
                  totalSize: try container.decode(Int.self, forKey: .totalSize),
                  preview: try container.decodeIfPresent(String.self, forKey: .preview),
                  search: try container.decode(SearchText.self, forKey: .search))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.formatVersion, forKey: .version)
        try container.encode(envelope, forKey: .envelope)
        try container.encode(bodyStructure, forKey: .bodyStructure)
        try container.encode(headerLength, forKey: .headerLength)
        try container.encode(totalSize, forKey: .totalSize)
        try container.encodeIfPresent(preview, forKey: .preview)
        try container.encode(search, forKey: .search)
    }
}
