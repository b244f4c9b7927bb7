/// RFC 2047 encoded words (`=?charset?B|Q?text?=`) in unstructured header text and phrases.
/// Lenient the way real mail needs: adjacent words with the same charset are joined before the
/// charset is applied (senders split multi-byte characters across words), and a word with an
/// unknown charset or broken encoding is left exactly as written (RFC 2047 §6.2).
public enum EncodedWord {
    /// Longest encoded word considered (RFC 2047 §2 says 75; real mail exceeds it, so allow more,
    /// but not so much that a value full of unterminated "=?" costs quadratic time).
    static let maximumWordLength = 1024

    /// Decodes every encoded word in `text`. Whitespace between two encoded words is dropped
    /// (RFC 2047 §6.2); all other text is kept as is.
    public static func decode(_ text: String) -> String {
        guard text.utf8.count >= 8, containsMarker(text.utf8) else { return text }
        let bytes = Array(text.utf8)
        var output = ""
        var pendingBytes: [UInt8] = []      // decoded bytes of adjacent words sharing a charset
        var pendingCharset = ""
        var pendingRaw = ""                 // their raw form, in case the charset is unknown
        var literalStart = 0
        var index = 0

        func flushPending() {
            guard !pendingCharset.isEmpty else { return }
            output += Charset.decode(pendingBytes, charset: pendingCharset) ?? pendingRaw
            pendingBytes.removeAll(keepingCapacity: true)
            pendingCharset = ""
            pendingRaw = ""
        }

        while index < bytes.count {
            guard bytes[index] == ASCII.equals, index + 1 < bytes.count, bytes[index + 1] == ASCII.question,
                  let word = parseWord(bytes, at: index) else {
                index += 1
                continue
            }
            let between = bytes[literalStart..<index]
            let onlyWhitespace = between.allSatisfy(ASCII.isWhitespaceOrNewline)
            if !(onlyWhitespace && !pendingCharset.isEmpty) {
                // Text between words is kept unless it is whitespace separating two encoded words.
                flushPending()
                output += String(decoding: between, as: UTF8.self)
            }
            let raw = String(decoding: bytes[index..<word.end], as: UTF8.self)
            if let decoded = word.decodedBytes {
                if Charset.normalized(word.charset) != Charset.normalized(pendingCharset) { flushPending() }
                pendingCharset = word.charset
                pendingBytes += decoded
                pendingRaw += raw
            } else {
                flushPending()
                output += raw
            }
            index = word.end
            literalStart = word.end
        }
        flushPending()
        output += String(decoding: bytes[literalStart...], as: UTF8.self)
        return output
    }

    private static func containsMarker(_ bytes: String.UTF8View) -> Bool {
        var previous: UInt8 = 0
        for byte in bytes {
            if previous == ASCII.equals && byte == ASCII.question { return true }
            previous = byte
        }
        return false
    }

    private struct Word {
        var charset: String
        var decodedBytes: [UInt8]?
        var end: Int
    }

    /// RFC 2047 §2: encoded-word = "=?" charset "?" encoding "?" encoded-text "?="
    private static func parseWord(_ bytes: [UInt8], at start: Int) -> Word? {
        let limit = min(bytes.count, start + maximumWordLength)
        var index = start + 2
        let charsetStart = index
        while index < limit, bytes[index] != ASCII.question {
            let byte = bytes[index]
            if byte <= ASCII.space || byte >= 0x7F { return nil }
            index += 1
        }
        guard index < limit, index > charsetStart else { return nil }
        let charset = String(decoding: bytes[charsetStart..<index], as: UTF8.self)
        index += 1
        guard index + 1 < limit, bytes[index + 1] == ASCII.question else { return nil }
        let encoding = ASCII.lowercased(bytes[index])
        guard encoding == 0x62 || encoding == 0x71 else { return nil }   // "b" or "q"
        index += 2
        let textStart = index
        while index + 1 < limit, !(bytes[index] == ASCII.question && bytes[index + 1] == ASCII.equals) {
            if bytes[index] == ASCII.cr || bytes[index] == ASCII.lf { return nil }
            index += 1
        }
        guard index + 1 < limit else { return nil }
        let text = bytes[textStart..<index]
        let decoded: [UInt8] = encoding == 0x62
            ? Base64Decoder.decode(text)
            : QuotedPrintableDecoder.decode(text, underscoreIsSpace: true)
        let known = Charset.isSupported(charset)
        return Word(charset: charset, decodedBytes: known ? decoded : nil, end: index + 2)
    }
}
