// BODY and TEXT search what a reader sees, so HTML parts are searched without their markup.
// HTMLText (PREVIEW) drops more (head, title); this is the small linear one search has always
// used (tags dropped, script/style content dropped, common entities decoded), shared by the IMAP
// matcher and the store's full-text index so both see the same text.

/// HTML to the plain text BODY and TEXT search; public for the store's full-text index.
public enum SearchHTMLText {
    /// Markup removed; each tag becomes a space so words on both sides of `<br>` stay apart, and
    /// runs of white space become one space, as a browser shows them ("<b>bold</b> text" is
    /// found by "bold text").
    public static func plainText(from html: String) -> String {
        let bytes = Array(html.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        func appendSpace() {
            if output.last != UInt8(ascii: " ") { output.append(UInt8(ascii: " ")) }
        }
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "<"):
                index = endOfTag(bytes, from: index)
                appendSpace()
            case UInt8(ascii: "&"):
                let (decoded, next) = entity(bytes, from: index)
                output += decoded
                index = next
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                appendSpace()
                index += 1
            default:
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Index after the tag at `start`; after the closing tag for script and style, whose content
    /// is not text; after "-->" for a comment.
    private static func endOfTag(_ bytes: [UInt8], from start: Int) -> Int {
        if startsWith(bytes, at: start, "<!--") {
            return find(bytes, "-->", from: start + 4).map { $0 + 3 } ?? bytes.count
        }
        var index = start + 1
        while index < bytes.count && bytes[index] != UInt8(ascii: ">") { index += 1 }
        let end = min(index + 1, bytes.count)
        for element in ["script", "style"] where startsWith(bytes, at: start + 1, element) {
            return find(bytes, "</" + element, from: end).map { closing in
                var index = closing
                while index < bytes.count && bytes[index] != UInt8(ascii: ">") { index += 1 }
                return min(index + 1, bytes.count)
            } ?? bytes.count
        }
        return end
    }

    private static let namedEntities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ",
    ]

    /// Decodes `&name;`, `&#NNN;` and `&#xHH;`; anything else is kept as a literal "&".
    private static func entity(_ bytes: [UInt8], from start: Int) -> ([UInt8], Int) {
        var end = start + 1
        while end < bytes.count, end - start <= 10, bytes[end] != UInt8(ascii: ";") { end += 1 }
        guard end < bytes.count, bytes[end] == UInt8(ascii: ";"), end > start + 1 else {
            return ([UInt8(ascii: "&")], start + 1)
        }
        let name = String(decoding: bytes[(start + 1)..<end], as: UTF8.self)
        var scalar: Unicode.Scalar?
        if name.hasPrefix("#x") || name.hasPrefix("#X") {
            scalar = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
        } else if name.hasPrefix("#") {
            scalar = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init)
        } else if let text = namedEntities[name.lowercased()] {
            return (Array(text.utf8), end + 1)
        }
        guard let scalar else { return ([UInt8(ascii: "&")], start + 1) }
        return (Array(String(Character(scalar)).utf8), end + 1)
    }

    private static func startsWith(_ bytes: [UInt8], at start: Int, _ prefix: String) -> Bool {
        let prefix = Array(prefix.utf8)
        guard start + prefix.count <= bytes.count else { return false }
        return zip(bytes[start...], prefix).allSatisfy { SearchFolding.lowercasedASCII($0) == $1 }
    }

    private static func find(_ bytes: [UInt8], _ text: String, from start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        var index = start
        while index < bytes.count {
            if startsWith(bytes, at: index, text) { return index }
            index += 1
        }
        return nil
    }
}
