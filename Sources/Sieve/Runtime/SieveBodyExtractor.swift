import MailMessage

/// The texts the body test compares against (RFC 5173 §5), from MailMessage's part tree: transfer
/// encoding undone (QP, base64) and charsets decoded for :content and :text; the undecoded body for :raw.
enum SieveBodyExtractor {
    enum Transform: Hashable {
        case raw
        /// Content types to select: "" is every part, "type" a top-level type, "type/subtype" exact.
        case content([String])
    }

    static func texts(of message: SieveMessage, transform: Transform, maximumLength: Int) -> [String] {
        let root = message.parsed.bodyStructure
        switch transform {
        case .raw:
            // RFC 5173 §5.1: the body as it is, no decoding, MIME structure included.
            let range = clamp(root.bodyRange, count: message.bytes.count)
            return [String(decoding: message.bytes[range].prefix(maximumLength), as: UTF8.self)]
        case .content(let types):
            var texts: [String] = []
            collect(root, types: types.map { $0.lowercased() }, message: message, maximumLength: maximumLength,
                    depth: 0, into: &texts)
            return texts
        }
    }

    private static func clamp(_ range: Range<Int>, count: Int) -> Range<Int> {
        min(range.lowerBound, count)..<min(range.upperBound, count)
    }

    private static func selects(_ type: ContentType, _ wanted: [String]) -> Bool {
        wanted.contains { entry in
            if entry.isEmpty { return true }
            if let slash = entry.firstIndex(of: "/") {
                return type.type.lowercased() == entry[..<slash] && type.subtype.lowercased() == entry[entry.index(after: slash)...]
            }
            return type.type.lowercased() == entry
        }
    }

    private static func collect(_ part: BodyStructure, types: [String], message: SieveMessage, maximumLength: Int,
                                depth: Int, into texts: inout [String]) {
        guard depth < 32, texts.count < 1000 else { return }
        switch part.content {
        case .multipart(let children):
            // todo(rfc): RFC 5173 §5.2 prologue and epilogue of selected multipart parts
            for child in children {
                collect(child, types: types, message: message, maximumLength: maximumLength, depth: depth + 1,
                        into: &texts)
            }
        case .message(let encapsulated):
            // RFC 5173 §5.2: a selected message/rfc822 contributes its header; its parts are visited.
            if selects(part.contentType, types) {
                let range = clamp(encapsulated.body.headerRange, count: message.bytes.count)
                texts.append(String(decoding: message.bytes[range], as: UTF8.self))
            }
            collect(encapsulated.body, types: types, message: message, maximumLength: maximumLength,
                    depth: depth + 1, into: &texts)
        case .single:
            guard selects(part.contentType, types) else { return }
            let range = clamp(part.bodyRange, count: message.bytes.count)
            let decoded = ContentDecoder.decode(message.bytes[range], encoding: part.encoding,
                                                maximumLength: maximumLength)
            let charset = part.contentType.charset ?? "us-ascii"
            texts.append(Charset.decode(decoded, charset: charset) ?? String(decoding: decoded, as: UTF8.self))
        }
    }
}
