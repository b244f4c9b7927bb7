// A bounds-checked read position over one command line; every parse function advances one of these.

/// Reads bytes of one command line without ever indexing past its end. Lines are bounded by the
/// framing code (max command line length), so nothing here allocates more than the line.
struct SMTPByteCursor {
    let bytes: [UInt8]
    private(set) var index: Int = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { index >= bytes.count }

    func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    mutating func next() -> UInt8? {
        guard index < bytes.count else { return nil }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        index += 1
        return true
    }

    /// Consumes `literal` compared ASCII-case-insensitively (SMTP verbs and keywords, RFC 5321 §2.4).
    mutating func consumeCaseInsensitive(_ literal: String) -> Bool {
        let expected = Array(literal.utf8)
        guard bytes.count - index >= expected.count else { return false }
        for (offset, byte) in expected.enumerated()
        where SMTPByteCursor.asciiUppercased(bytes[index + offset]) != SMTPByteCursor.asciiUppercased(byte) {
            return false
        }
        index += expected.count
        return true
    }

    mutating func consume(while predicate: (UInt8) -> Bool) -> ArraySlice<UInt8> {
        let start = index
        while index < bytes.count, predicate(bytes[index]) { index += 1 }
        return bytes[start..<index]
    }

    var remaining: ArraySlice<UInt8> { bytes[min(index, bytes.count)...] }

    static func asciiUppercased(_ byte: UInt8) -> UInt8 {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) ? byte - 32 : byte
    }
}

extension UInt8 {
    var isASCIIAlpha: Bool { (self | 0x20) >= UInt8(ascii: "a") && (self | 0x20) <= UInt8(ascii: "z") }
    var isASCIIDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
}
