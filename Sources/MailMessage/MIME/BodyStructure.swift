/// The MIME structure of a message (RFC 2045/2046) with every field IMAP BODY and BODYSTRUCTURE
/// need (RFC 9051 §7.5.2), and where each part lies in the stored bytes, so that FETCH
/// BODY[section] is answered by slicing (see `part(at:)`) and never by parsing again.
///
/// Ranges are offsets in the whole message:
/// - `headerRange`: the part's MIME header including its blank line (BODY[n.MIME]); for the root,
///   the message header (BODY[HEADER]); empty when a part has no header.
/// - `bodyRange`: the part's content (BODY[n]; BODY[TEXT] for the root).
/// - For message/rfc822 and message/global, `message.body.headerRange` / `message.body.bodyRange`
///   are the encapsulated header and text (BODY[n.HEADER] / BODY[n.TEXT]).
///
/// Shape invariant the IMAP encoder can rely on: `content` is `.multipart` (at least one part) only for
/// multipart types and `.message` only for message/rfc822|global; a part that cannot be represented
/// (too deep, no boundary, encoded message) is a `.single` leaf with type application/octet-stream.
public struct BodyStructure: Sendable, Equatable {
    public indirect enum Content: Sendable, Equatable {
        case single
        case multipart([BodyStructure])
        case message(EncapsulatedMessage)
    }

    /// Type, subtype and parameters (body-fld-param); text parts always carry a charset.
    public var contentType: ContentType
    /// Content-ID, raw (body-fld-id).
    public var id: String?
    /// Content-Description, raw (body-fld-desc).
    public var description: String?
    /// Content-Transfer-Encoding, lower-cased, "7bit" when absent (body-fld-enc).
    public var encoding: String
    /// Content-MD5, raw (body-fld-md5).
    public var md5: String?
    /// Content-Disposition (body-fld-dsp).
    public var disposition: ContentDisposition?
    /// Content-Language tags (body-fld-lang), nil when absent.
    public var language: [String]?
    /// Content-Location (body-fld-loc).
    public var location: String?
    public var headerRange: Range<Int>
    public var bodyRange: Range<Int>
    /// Lines in the body in its transfer encoding (body-fld-lines); counted for text/* and
    /// message/rfc822|global, 0 otherwise.
    public var lineCount: Int
    public var content: Content

    public init(contentType: ContentType, id: String? = nil, description: String? = nil,
                encoding: String = "7bit", md5: String? = nil, disposition: ContentDisposition? = nil,
                language: [String]? = nil, location: String? = nil, headerRange: Range<Int>,
                bodyRange: Range<Int>, lineCount: Int = 0, content: Content = .single) {
        self.contentType = contentType
        self.id = id
        self.description = description
        self.encoding = encoding
        self.md5 = md5
        self.disposition = disposition
        self.language = language
        self.location = location
        self.headerRange = headerRange
        self.bodyRange = bodyRange
        self.lineCount = lineCount
        self.content = content
    }

    /// Body size in octets, in its transfer encoding (body-fld-octets).
    public var size: Int { bodyRange.count }

    /// Child parts of a multipart, empty otherwise.
    public var parts: [BodyStructure] {
        if case .multipart(let parts) = content { return parts }
        return []
    }

    /// The encapsulated message of a message/rfc822 or message/global part.
    public var message: EncapsulatedMessage? {
        if case .message(let message) = content { return message }
        return nil
    }

    public var isMultipart: Bool {
        if case .multipart = content { return true }
        return false
    }

    /// The part a section number designates (RFC 9051 §6.4.5): `[]` is the whole message, `[1]` the
    /// first part (or the body of a non-multipart message), and numbers after a message/rfc822 part
    /// address the parts of the encapsulated message. Call on the root structure.
    public func part(at section: [Int]) -> BodyStructure? {
        var node = self
        for (position, number) in section.enumerated() {
            let scope: BodyStructure
            if position == 0 {
                scope = node
            } else if let message = node.message {
                scope = message.body
            } else if node.isMultipart {
                scope = node
            } else {
                return nil   // a leaf has no sub-parts
            }
            if case .multipart(let parts) = scope.content {
                guard number >= 1, number <= parts.count else { return nil }
                node = parts[number - 1]
            } else {
                guard number == 1 else { return nil }
                node = scope
            }
        }
        return node
    }

    /// Number of nodes in the tree (iterative: safe at any depth).
    public var partCount: Int {
        var count = 0
        var stack = [self]
        while let node = stack.popLast() {
            count += 1
            switch node.content {
            case .single: break
            case .multipart(let parts): stack.append(contentsOf: parts)
            case .message(let message): stack.append(message.body)
            }
        }
        return count
    }
}

/// A message/rfc822 (or message/global) part's message: its own envelope and structure, whose root
/// `headerRange` / `bodyRange` are the encapsulated header and text.
public struct EncapsulatedMessage: Sendable, Equatable, Codable {
    public var envelope: Envelope
    public var body: BodyStructure

    public init(envelope: Envelope, body: BodyStructure) {
        self.envelope = envelope
        self.body = body
    }

    enum CodingKeys: String, CodingKey { case envelope = "e", body = "b" }
}
