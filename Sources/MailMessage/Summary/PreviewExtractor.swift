/// RFC 8970 PREVIEW text, computed once at delivery: up to 200 characters of the first text/plain
/// part (or, failing that, the first text/html part with markup removed), decoded and with
/// whitespace collapsed. Only a bounded prefix of the part is decoded.
enum PreviewExtractor {
    /// RFC 8970 §3.1: at most 200 characters.
    static let maximumCharacters = 200
    static let plainInputLimit = 16 * 1024
    static let htmlInputLimit = 64 * 1024

    static func preview(of root: BodyStructure, in bytes: [UInt8]) -> String? {
        guard let (part, isHTML) = firstTextPart(root) else { return nil }
        let limit = isHTML ? htmlInputLimit : plainInputLimit
        let body = part.bodyRange.clamped(to: 0..<bytes.count)
        // 200 characters rarely need more than a few KB: decode a small prefix first, more if needed.
        var inputLength = isHTML ? 8 * 1024 : 1024
        while true {
            let end = min(body.upperBound, body.lowerBound + inputLength)
            let decoded = ContentDecoder.decode(bytes[body.lowerBound..<end], encoding: part.encoding)
            var text = Charset.decode(decoded, charset: part.contentType.charset ?? "us-ascii")
                ?? String(utf8OrLatin1: decoded)
            if isHTML { text = HTMLText.plainText(from: text) }
            let (collapsed, complete) = collapseWhitespace(text)
            if complete || end == body.upperBound || inputLength >= limit {
                return collapsed.isEmpty ? nil : collapsed
            }
            inputLength *= 4
        }
    }

    /// Depth-first, not descending into encapsulated messages (their text is not this message's).
    private static func firstTextPart(_ root: BodyStructure) -> (BodyStructure, Bool)? {
        var firstHTML: BodyStructure?
        var stack = [root]
        while let node = stack.popLast() {
            switch node.content {
            case .multipart(let parts):
                stack.append(contentsOf: parts.reversed())
            case .message:
                continue
            case .single:
                guard node.contentType.isText, !(node.disposition?.isAttachment ?? false) else { continue }
                if node.contentType.subtype == "plain" { return (node, false) }
                if node.contentType.subtype == "html", firstHTML == nil { firstHTML = node }
            }
        }
        return firstHTML.map { ($0, true) }
    }

    /// Returns the collapsed text and whether it reached the 200-character bound. Works on UTF-8
    /// bytes (counting scalars); Unicode spaces common in mail (NBSP, U+2000…U+200B, U+3000, BOM)
    /// and C1 controls count as whitespace.
    private static func collapseWhitespace(_ text: String) -> (String, Bool) {
        var text = text
        return text.withUTF8 { bytes -> (String, Bool) in
            var output: [UInt8] = []
            output.reserveCapacity(maximumCharacters * 2)
            var count = 0
            var pendingSpace = false
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                let length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
                let end = min(index + length, bytes.count)
                if isWhitespace(bytes, from: index, length: end - index) {
                    pendingSpace = !output.isEmpty
                    index = end
                    continue
                }
                if pendingSpace {
                    if count + 1 >= maximumCharacters { return (String(decoding: output, as: UTF8.self), true) }
                    output.append(ASCII.space)
                    count += 1
                    pendingSpace = false
                }
                for position in index..<end { output.append(bytes[position]) }
                count += 1
                index = end
                // Counting scalars keeps the bound; a combining sequence may show fewer characters.
                if count >= maximumCharacters { return (String(decoding: output, as: UTF8.self), true) }
            }
            return (String(decoding: output, as: UTF8.self), false)
        }
    }

    @inline(__always)
    private static func isWhitespace(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int, length: Int) -> Bool {
        let first = bytes[index]
        switch length {
        case 1: return first <= 0x20 || first == 0x7F
        case 2: return first == 0xC2 && bytes[index + 1] <= 0xA0              // C1 controls, NBSP
        case 3:
            let second = bytes[index + 1], third = bytes[index + 2]
            if first == 0xE2 && second == 0x80 { return third <= 0x8B || third == 0xA8 || third == 0xA9 || third == 0xAF }
            if first == 0xE3 && second == 0x80 && third == 0x80 { return true }   // U+3000
            return first == 0xEF && second == 0xBB && third == 0xBF               // U+FEFF
        default: return false
        }
    }
}
