/// RFC 5228 §2.4.2.4: with "encoded-character" required, `${hex:…}` and `${unicode:…}` in strings
/// stand for the bytes or characters they name. Malformed sequences stay as written (the RFC says so);
/// a code point that is not a Unicode scalar is an error.
enum EncodedCharacter {
    struct InvalidCodePoint: Error { var text: String }

    static func decode(_ string: String) throws(InvalidCodePoint) -> String {
        guard SieveVariables.containsReference(string) else { return string }
        let scalars = Array(string.unicodeScalars)
        // Next '}' at or after each position, computed once so "${${${…" stays linear.
        var nextClose = [Int?](repeating: nil, count: scalars.count + 1)
        for position in stride(from: scalars.count - 1, through: 0, by: -1) {
            nextClose[position] = scalars[position] == "}" ? position : nextClose[position + 1]
        }
        var output = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index] == "$", index + 1 < scalars.count, scalars[index + 1] == "{",
               let close = nextClose[index] {
                let inner = String(String.UnicodeScalarView(scalars[(index + 2)..<close]))
                if let replacement = try expand(inner) {
                    output.append(contentsOf: replacement.unicodeScalars)
                    index = close + 1
                    continue
                }
            }
            output.append(scalars[index])
            index += 1
        }
        return String(output)
    }

    /// encoded-arb-octets = "${hex:" hex-pair-seq "}"; encoded-unicode-char = "${unicode:" unicode-hex-seq "}"
    private static func expand(_ inner: String) throws(InvalidCodePoint) -> String? {
        guard let colon = inner.firstIndex(of: ":") else { return nil }
        let kind = inner[..<colon].lowercased()
        let words = inner[inner.index(after: colon)...]
            .split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" })
        guard !words.isEmpty, words.allSatisfy({ $0.allSatisfy(\.isHexDigit) && $0.count <= 8 }) else { return nil }
        switch kind {
        case "hex":
            var bytes: [UInt8] = []
            for word in words {
                guard word.count % 2 == 0 else { return nil }
                var rest = Substring(word)
                while !rest.isEmpty {
                    guard let byte = UInt8(rest.prefix(2), radix: 16) else { return nil }
                    bytes.append(byte)
                    rest = rest.dropFirst(2)
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        case "unicode":
            var text = String.UnicodeScalarView()
            for word in words {
                guard let value = UInt32(word, radix: 16), let scalar = Unicode.Scalar(value) else {
                    throw InvalidCodePoint(text: String(word))
                }
                text.append(scalar)
            }
            return String(text)
        default:
            return nil
        }
    }
}
