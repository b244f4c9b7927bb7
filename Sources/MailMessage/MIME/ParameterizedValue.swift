/// Parser for the shape shared by Content-Type and Content-Disposition: a leading value followed by
/// `; attribute=value` pairs (RFC 2045 §5.1), with comments, quoted strings and RFC 2231 parameter
/// continuations (`name*0*=utf-8''%E2%82%AC`). Lenient: stray semicolons, unquoted values with spaces
/// and missing values are accepted; the number of parameters is bounded.
struct ParameterizedValue {
    /// The bytes before the first ";" with comments and whitespace removed (e.g. "text/plain").
    var leadingBytes: [UInt8]
    var leading: String { String(utf8OrLatin1: leadingBytes) }
    var parameters: [MIMEParameter]

    static let maximumParameters = 64
    static let maximumContinuations = 256

    init(_ bytes: [UInt8]) {
        var index = 0
        var leadingBytes: [UInt8] = []
        while index < bytes.count, bytes[index] != ASCII.semicolon {
            let byte = bytes[index]
            if byte == ASCII.openParen {
                index = Self.skipComment(bytes, from: index)
                continue
            }
            if byte == ASCII.quote {
                let (text, next) = Self.quotedString(bytes, from: index)
                leadingBytes += text
                index = next
                continue
            }
            if !ASCII.isWhitespaceOrNewline(byte) { leadingBytes.append(byte) }
            index += 1
        }
        self.leadingBytes = leadingBytes

        var raw: [(name: String, value: [UInt8])] = []
        while index < bytes.count, raw.count < Self.maximumParameters * 4 {
            index += 1  // the ";"
            while index < bytes.count, ASCII.isWhitespaceOrNewline(bytes[index]) || bytes[index] == ASCII.openParen {
                index = bytes[index] == ASCII.openParen ? Self.skipComment(bytes, from: index) : index + 1
            }
            let nameStart = index
            while index < bytes.count, bytes[index] != ASCII.equals, bytes[index] != ASCII.semicolon { index += 1 }
            var nameEnd = index
            while nameEnd > nameStart, ASCII.isWhitespaceOrNewline(bytes[nameEnd - 1]) { nameEnd -= 1 }
            let name = String(decoding: bytes[nameStart..<nameEnd].map(ASCII.lowercased), as: UTF8.self)
            guard index < bytes.count, bytes[index] == ASCII.equals else {
                continue   // attribute without value: dropped, at a ";" or the end
            }
            index += 1
            while index < bytes.count, ASCII.isWhitespaceOrNewline(bytes[index]) { index += 1 }
            var value: [UInt8] = []
            if index < bytes.count, bytes[index] == ASCII.quote {
                let (text, next) = Self.quotedString(bytes, from: index)
                value = text
                index = next
                while index < bytes.count, bytes[index] != ASCII.semicolon { index += 1 }  // junk after quotes
            } else {
                let valueStart = index
                while index < bytes.count, bytes[index] != ASCII.semicolon { index += 1 }
                var valueEnd = index
                // A trailing comment is not part of the value: `charset=us-ascii (Plain text)`.
                if let paren = bytes[valueStart..<valueEnd].firstIndex(of: ASCII.openParen) { valueEnd = paren }
                while valueEnd > valueStart, ASCII.isWhitespaceOrNewline(bytes[valueEnd - 1]) { valueEnd -= 1 }
                value = Array(bytes[valueStart..<valueEnd])
            }
            if !name.isEmpty { raw.append((name, value)) }
        }
        parameters = Self.resolveContinuations(raw)
    }

    /// RFC 2231 §3 (continuations) and §4 (charset and language): `name*` is percent-encoded with a
    /// `charset'language'` prefix; `name*N` / `name*N*` are ordered segments joined before decoding.
    private static func resolveContinuations(_ raw: [(name: String, value: [UInt8])]) -> [MIMEParameter] {
        if !raw.contains(where: { $0.name.utf8.contains(ASCII.asterisk) }) {
            // Common case, no RFC 2231 at all: keep the first of each name, in order.
            var parameters: [MIMEParameter] = []
            for (name, value) in raw where !parameters.contains(where: { $0.name == name }) {
                guard parameters.count < maximumParameters else { break }
                parameters.append(MIMEParameter(name: name, value: String(utf8OrLatin1: value)))
            }
            return parameters
        }
        struct Segment { var number: Int; var encoded: Bool; var value: [UInt8] }
        var order: [String] = []
        var plain: [String: [UInt8]] = [:]
        var segmented: [String: [Segment]] = [:]
        for (name, value) in raw {
            var base = name
            var number: Int? = nil
            var encoded = false
            if let star = name.firstIndex(of: "*") {
                base = String(name[..<star])
                var rest = name[name.index(after: star)...]
                if rest.hasSuffix("*") { encoded = true; rest = rest.dropLast() }
                if rest.isEmpty {
                    encoded = true      // `name*=` is a single encoded segment
                    number = 0
                } else if let parsed = Int(rest), parsed >= 0, parsed < maximumContinuations {
                    number = parsed
                } else {
                    base = name         // not RFC 2231 after all: keep the attribute as written
                    encoded = false
                }
            }
            if !order.contains(base) {
                guard order.count < maximumParameters else { continue }
                order.append(base)
            }
            if let number {
                if segmented[base, default: []].contains(where: { $0.number == number }) { continue }
                segmented[base, default: []].append(Segment(number: number, encoded: encoded, value: value))
            } else if plain[base] == nil {
                plain[base] = value   // RFC 2045 does not define duplicates; the first one wins
            }
        }
        return order.compactMap { name in
            if let segments = segmented[name]?.sorted(by: { $0.number < $1.number }) {
                var bytes: [UInt8] = []
                var charset: String? = nil
                for (position, segment) in segments.enumerated() {
                    var value = segment.value[...]
                    if segment.encoded && position == 0 {
                        // charset'language'value: language is not needed for BODYSTRUCTURE.
                        let parts = value.split(separator: ASCII.apostrophe, maxSplits: 2, omittingEmptySubsequences: false)
                        if parts.count == 3 {
                            charset = String(decoding: parts[0], as: UTF8.self)
                            value = parts[2]
                        }
                    }
                    bytes += segment.encoded ? percentDecoded(value) : Array(value)
                }
                if let charset, !charset.isEmpty, let text = Charset.decode(bytes, charset: charset) {
                    return MIMEParameter(name: name, value: text)
                }
                return MIMEParameter(name: name, value: String(utf8OrLatin1: bytes))
            }
            guard let value = plain[name] else { return nil }
            return MIMEParameter(name: name, value: String(utf8OrLatin1: value))
        }
    }

    private static func percentDecoded(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == ASCII.percent, index + 2 < bytes.endIndex,
               let high = ASCII.hexValue(bytes[index + 1]), let low = ASCII.hexValue(bytes[index + 2]) {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    /// RFC 5322 §3.2.4 quoted-string: returns the content (escapes resolved) and the index after it.
    /// An unterminated string runs to the end.
    static func quotedString(_ bytes: [UInt8], from start: Int) -> ([UInt8], Int) {
        var index = start + 1
        var text: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == ASCII.quote { return (text, index + 1) }
            if byte == ASCII.backslash, index + 1 < bytes.count {
                text.append(bytes[index + 1])
                index += 2
                continue
            }
            if byte != ASCII.cr && byte != ASCII.lf { text.append(byte) }
            index += 1
        }
        return (text, index)
    }

    /// RFC 5322 §3.2.2 comment, nested, with quoted-pairs; returns the index after it. Iterative.
    static func skipComment(_ bytes: [UInt8], from start: Int) -> Int {
        var depth = 0
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case ASCII.backslash: index += 1
            case ASCII.openParen: depth += 1
            case ASCII.closeParen:
                depth -= 1
                if depth == 0 { return index + 1 }
            default: break
            }
            index += 1
        }
        return bytes.count
    }
}
