// TOMLKit hands out values without their source position, yet every configuration error must name
// its line. This scanner walks the (already parsed, so valid) text once and records on which line
// each key path first appears: table headers, dotted keys, quoted keys and inline tables.

/// The line of each key path in a TOML document.
struct TOMLKeyLocator {
    private var lines: [[String]: Int] = [:]

    /// Deeper nesting than this is not scanned; such documents only lose line numbers.
    static let maximumDepth = 32

    init(_ text: String) {
        var scanner = Scanner(bytes: Array(text.utf8))
        scanner.scanDocument()
        lines = scanner.lines
    }

    /// The 1-based line where `path` is defined, or nil when the scanner did not see it.
    func line(of path: [String]) -> Int? {
        lines[path]
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        var line = 1
        var lines: [[String]: Int] = [:]

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        func peek(_ offset: Int) -> UInt8? {
            index + offset < bytes.count ? bytes[index + offset] : nil
        }

        mutating func advance() {
            if current == UInt8(ascii: "\n") { line += 1 }
            index += 1
        }

        mutating func record(_ path: [String], at recordedLine: Int) {
            // Implicit parent tables of a dotted key count as defined where first mentioned.
            guard !path.isEmpty else { return }
            for length in 1...path.count {
                let prefix = Array(path.prefix(length))
                if lines[prefix] == nil { lines[prefix] = recordedLine }
            }
        }

        mutating func scanDocument() {
            var table: [String] = []
            // A UTF-8 byte order mark is allowed before the first key.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
            while let byte = current {
                let before = index
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                    advance()
                case UInt8(ascii: "#"):
                    skipComment()
                case UInt8(ascii: "["):
                    let headerLine = line
                    advance()
                    let arrayTable = current == UInt8(ascii: "[")
                    if arrayTable { advance() }
                    table = scanKeyPath()
                    record(table, at: headerLine)
                    skipToEndOfLine()
                default:
                    let keyLine = line
                    let key = scanKeyPath()
                    skipInlineSpace()
                    if current == UInt8(ascii: "=") {
                        advance()
                        record(table + key, at: keyLine)
                        scanValue(prefix: table + key, depth: 0)
                    }
                    skipToEndOfLine()
                }
                // Every turn consumes at least one byte, so the scan always ends.
                if index == before { advance() }
            }
        }

        mutating func skipComment() {
            while let byte = current, byte != UInt8(ascii: "\n") { advance() }
        }

        mutating func skipToEndOfLine() {
            skipComment()
        }

        mutating func skipInlineSpace() {
            while current == UInt8(ascii: " ") || current == UInt8(ascii: "\t") { advance() }
        }

        /// Skips spaces, newlines and comments, as allowed between array elements.
        mutating func skipSpaceAndComments() {
            while let byte = current {
                if byte == UInt8(ascii: "#") {
                    skipComment()
                } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
                            || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
                    advance()
                } else {
                    return
                }
            }
        }

        /// `key ("." key)*` where each key is bare, "basic" or 'literal'.
        mutating func scanKeyPath() -> [String] {
            var path: [String] = []
            while true {
                skipInlineSpace()
                guard let byte = current else { return path }
                if byte == UInt8(ascii: "\"") {
                    path.append(scanBasicString())
                } else if byte == UInt8(ascii: "'") {
                    path.append(scanLiteralString())
                } else {
                    let start = index
                    while let next = current, Self.isBareKeyByte(next) { advance() }
                    guard index > start else { return path }
                    path.append(String(decoding: bytes[start..<index], as: UTF8.self))
                }
                skipInlineSpace()
                guard current == UInt8(ascii: ".") else { return path }
                advance()
            }
        }

        static func isBareKeyByte(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }

        /// A value; records the keys of inline tables under `prefix`.
        mutating func scanValue(prefix: [String], depth: Int) {
            skipInlineSpace()
            guard let byte = current, depth < TOMLKeyLocator.maximumDepth else { return }
            switch byte {
            case UInt8(ascii: "\""):
                _ = scanBasicString()
            case UInt8(ascii: "'"):
                _ = scanLiteralString()
            case UInt8(ascii: "{"):
                scanInlineTable(prefix: prefix, depth: depth + 1)
            case UInt8(ascii: "["):
                scanArray(prefix: prefix, depth: depth + 1)
            default:
                // Numbers, booleans, dates: up to the next delimiter.
                while let next = current, !Self.endsScalar(next) { advance() }
            }
        }

        static func endsScalar(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}")
                || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "#") || byte == UInt8(ascii: "\r")
        }

        mutating func scanInlineTable(prefix: [String], depth: Int) {
            advance() // {
            while current != nil {
                let before = index
                skipSpaceAndComments()
                if current == UInt8(ascii: "}") { advance(); return }
                if current == UInt8(ascii: ",") { advance(); continue }
                guard current != nil else { return }
                let keyLine = line
                let key = scanKeyPath()
                skipInlineSpace()
                if current == UInt8(ascii: "=") {
                    advance()
                    record(prefix + key, at: keyLine)
                    scanValue(prefix: prefix + key, depth: depth)
                }
                if index == before { advance() }
            }
        }

        mutating func scanArray(prefix: [String], depth: Int) {
            advance() // [
            while current != nil {
                let before = index
                skipSpaceAndComments()
                if current == UInt8(ascii: "]") { advance(); return }
                if current == UInt8(ascii: ",") { advance(); continue }
                guard current != nil else { return }
                scanValue(prefix: prefix, depth: depth)
                if index == before { advance() }
            }
        }

        /// "…" or """…""" with escapes; returns the content with simple escapes decoded (enough to
        /// match quoted key names).
        mutating func scanBasicString() -> String {
            if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") {
                index += 3
                while current != nil {
                    if current == UInt8(ascii: "\\") { advance(); advance(); continue }
                    if current == UInt8(ascii: "\""), peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") {
                        index += 3
                        // Up to two more quotes may belong to the content.
                        while current == UInt8(ascii: "\"") { index += 1 }
                        return ""
                    }
                    advance()
                }
                return ""
            }
            advance() // "
            var content: [UInt8] = []
            while let byte = current, byte != UInt8(ascii: "\n") {
                if byte == UInt8(ascii: "\"") { advance(); break }
                if byte == UInt8(ascii: "\\") {
                    advance()
                    guard let escaped = current else { break }
                    content.append(contentsOf: decodeEscape(escaped))
                    continue
                }
                content.append(byte)
                advance()
            }
            return String(decoding: content, as: UTF8.self)
        }

        /// Decodes the escape whose letter is at `index` and moves past it.
        mutating func decodeEscape(_ letter: UInt8) -> [UInt8] {
            advance()
            switch letter {
            case UInt8(ascii: "n"): return [0x0A]
            case UInt8(ascii: "t"): return [0x09]
            case UInt8(ascii: "r"): return [0x0D]
            case UInt8(ascii: "b"): return [0x08]
            case UInt8(ascii: "f"): return [0x0C]
            case UInt8(ascii: "u"), UInt8(ascii: "U"):
                let count = letter == UInt8(ascii: "u") ? 4 : 8
                guard index + count <= bytes.count,
                      let value = UInt32(String(decoding: bytes[index..<index + count], as: UTF8.self), radix: 16),
                      let scalar = Unicode.Scalar(value) else { return [] }
                index += count
                return Array(String(Character(scalar)).utf8)
            default: return [letter]
            }
        }

        /// '…' or '''…''', no escapes.
        mutating func scanLiteralString() -> String {
            if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") {
                index += 3
                while current != nil {
                    if current == UInt8(ascii: "'"), peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") {
                        index += 3
                        while current == UInt8(ascii: "'") { index += 1 }
                        return ""
                    }
                    advance()
                }
                return ""
            }
            advance() // '
            let start = index
            while let byte = current, byte != UInt8(ascii: "'"), byte != UInt8(ascii: "\n") { advance() }
            let content = String(decoding: bytes[start..<index], as: UTF8.self)
            if current == UInt8(ascii: "'") { advance() }
            return content
        }
    }
}
