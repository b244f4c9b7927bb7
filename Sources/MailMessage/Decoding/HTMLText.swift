/// Just enough HTML-to-text for a preview: tags and comments removed, script/style/head content
/// dropped, block elements become spaces, common entities decoded. Linear, no recursion.
enum HTMLText {
    static func plainText(from html: String) -> String {
        let bytes = Array(html.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 2)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == ASCII.lessThan {
                index = skipTag(bytes, from: index)
                output.append(ASCII.space)
            } else if byte == ASCII.ampersand {
                let (decoded, next) = entity(bytes, from: index)
                output += decoded
                index = next
            } else {
                output.append(byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static let skippedElements: [[UInt8]] = ["script", "style", "head", "title"].map { Array($0.utf8) }

    /// Returns the index after the tag (and after the element's content for skipped elements).
    private static func skipTag(_ bytes: [UInt8], from start: Int) -> Int {
        if hasPrefix(bytes, at: start, "<!--") {
            return find(bytes, "-->", from: start + 4).map { $0 + 3 } ?? bytes.count
        }
        let closing = bytes.firstIndex(of: ASCII.greaterThan, from: start) ?? bytes.count
        var nameEnd = start + 1
        while nameEnd < closing, isNameByte(bytes[nameEnd]) { nameEnd += 1 }
        let name = bytes[(start + 1)..<nameEnd].map(ASCII.lowercased)
        if skippedElements.contains(where: { $0.elementsEqual(name) }) {
            let endTag = "</" + String(decoding: name, as: UTF8.self)
            if let close = find(bytes, endTag, from: closing, caseInsensitive: true) {
                return (bytes.firstIndex(of: ASCII.greaterThan, from: close) ?? bytes.count - 1) + 1
            }
            return bytes.count
        }
        return min(closing + 1, bytes.count)
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return (lower >= 0x61 && lower <= 0x7A) || ASCII.isDigit(byte)
    }

    private static let namedEntities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ",
        "copy": "©", "reg": "®", "hellip": "…", "mdash": "—", "ndash": "–", "euro": "€",
        "rsquo": "’", "lsquo": "‘", "rdquo": "”", "ldquo": "“", "zwnj": "", "shy": "",
    ]

    /// HTML character references: named (a few), &#NNN; and &#xHH;. Unknown ones stay literal.
    private static func entity(_ bytes: [UInt8], from start: Int) -> ([UInt8], Int) {
        var end = start + 1
        while end < bytes.count, end - start < 12, bytes[end] != ASCII.semicolon, !ASCII.isWhitespaceOrNewline(bytes[end]) {
            end += 1
        }
        guard end < bytes.count, bytes[end] == ASCII.semicolon else { return ([ASCII.ampersand], start + 1) }
        let name = String(decoding: bytes[(start + 1)..<end], as: UTF8.self)
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value = digits.first == "x" || digits.first == "X"
                ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            if let value, let scalar = Unicode.Scalar(value) {
                return (Array(String(Character(scalar)).utf8), end + 1)
            }
        } else if let replacement = namedEntities[name.lowercased()] {
            return (Array(replacement.utf8), end + 1)
        }
        return ([ASCII.ampersand], start + 1)
    }

    private static func hasPrefix(_ bytes: [UInt8], at start: Int, _ prefix: String) -> Bool {
        let needle = Array(prefix.utf8)
        guard start + needle.count <= bytes.count else { return false }
        return bytes[start..<(start + needle.count)].elementsEqual(needle)
    }

    private static func find(_ bytes: [UInt8], _ text: String, from start: Int, caseInsensitive: Bool = false) -> Int? {
        let needle = Array(text.utf8).map(ASCII.lowercased)
        guard !needle.isEmpty, bytes.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            var matched = true
            for offset in 0..<needle.count {
                let byte = caseInsensitive ? ASCII.lowercased(bytes[index + offset]) : bytes[index + offset]
                if byte != needle[offset] { matched = false; break }
            }
            if matched { return index }
            index += 1
        }
        return nil
    }
}

extension Array where Element == UInt8 {
    fileprivate func firstIndex(of byte: UInt8, from start: Int) -> Int? {
        var index = start
        while index < count {
            if self[index] == byte { return index }
            index += 1
        }
        return nil
    }
}
