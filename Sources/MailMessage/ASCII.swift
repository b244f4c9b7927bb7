// Byte constants and small byte-level helpers shared by every parser in this target.
// Parsers work on `[UInt8]` / buffer pointers with indices, never on `Character`s, for speed.

enum ASCII {
    static let nul: UInt8 = 0x00
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22          // "
    static let hash: UInt8 = 0x23           // #
    static let percent: UInt8 = 0x25        // %
    static let ampersand: UInt8 = 0x26      // &
    static let apostrophe: UInt8 = 0x27     // '
    static let openParen: UInt8 = 0x28      // (
    static let closeParen: UInt8 = 0x29     // )
    static let asterisk: UInt8 = 0x2A       // *
    static let plus: UInt8 = 0x2B           // +
    static let comma: UInt8 = 0x2C          // ,
    static let minus: UInt8 = 0x2D          // -
    static let dot: UInt8 = 0x2E            // .
    static let slash: UInt8 = 0x2F          // /
    static let zero: UInt8 = 0x30
    static let nine: UInt8 = 0x39
    static let colon: UInt8 = 0x3A          // :
    static let semicolon: UInt8 = 0x3B      // ;
    static let lessThan: UInt8 = 0x3C       // <
    static let equals: UInt8 = 0x3D         // =
    static let greaterThan: UInt8 = 0x3E    // >
    static let question: UInt8 = 0x3F       // ?
    static let at: UInt8 = 0x40             // @
    static let openBracket: UInt8 = 0x5B    // [
    static let backslash: UInt8 = 0x5C      // \
    static let closeBracket: UInt8 = 0x5D   // ]
    static let underscore: UInt8 = 0x5F     // _

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == tab
    }

    @inline(__always)
    static func isWhitespaceOrNewline(_ byte: UInt8) -> Bool {
        byte == space || byte == tab || byte == cr || byte == lf
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= zero && byte <= nine
    }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }

    /// Value of a hexadecimal digit, or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    /// Case-insensitive comparison of ASCII strings without allocating lowercased copies.
    static func equalsIgnoringCase(_ lhs: String, _ rhs: String) -> Bool {
        var left = lhs.utf8.makeIterator()
        var right = rhs.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return true
            case let (l?, r?): if lowercased(l) != lowercased(r) { return false }
            default: return false
            }
        }
    }
}

extension String {
    /// Text from bytes that may or may not be UTF-8: valid UTF-8 is kept (RFC 6532 allows it in
    /// headers), anything else is read as ISO-8859-1 so that every byte survives as one scalar.
    init<Bytes: Collection>(utf8OrLatin1 bytes: Bytes) where Bytes.Element == UInt8 {
        if let text = String(validating: bytes, as: UTF8.self) {
            self = text
        } else {
            self = String(latin1: bytes)
        }
    }

    /// ISO-8859-1: each byte is the Unicode scalar of the same value.
    init<Bytes: Sequence>(latin1 bytes: Bytes) where Bytes.Element == UInt8 {
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
        self = String(scalars)
    }

    /// Trims spaces, tabs, CR and LF at both ends (Foundation's trimming is slower and broader).
    func trimmingASCIIWhitespace() -> String {
        let utf8 = self.utf8
        guard let first = utf8.firstIndex(where: { !ASCII.isWhitespaceOrNewline($0) }) else { return "" }
        guard let last = utf8.lastIndex(where: { !ASCII.isWhitespaceOrNewline($0) }) else { return "" }
        if first == utf8.startIndex && last == utf8.index(before: utf8.endIndex) { return self }
        return String(self[first...last])
    }
}
