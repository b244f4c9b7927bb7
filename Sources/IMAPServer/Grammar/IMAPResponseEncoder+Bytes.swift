// The string forms of the encoder appended to a plain byte array, for the structures FETCH writes
// once per message: many small pieces cost one exclusivity check and capacity check each in a
// ByteBuffer, while a local array takes them at the price of an append.

extension IMAPResponseEncoder {
    // string          = quoted / literal                                 (RFC 9051 §9)
    /// `writeString` into `bytes`: the same choice of quoted or literal form.
    func appendString(_ text: String, to bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { appendString(contiguous: $0, knownValidUTF8: true, to: &bytes) }
    }

    // nstring         = string / nil                                     (RFC 9051 §9)
    func appendNString(_ text: String?, to bytes: inout [UInt8]) {
        guard let text else { return bytes.append(ascii: "NIL") }
        appendString(text, to: &bytes)
    }

    func appendString(contiguous source: UnsafeBufferPointer<UInt8>, knownValidUTF8: Bool, to bytes: inout [UInt8]) {
        switch quotedForm(of: source, knownValidUTF8: knownValidUTF8) {
        case .plain:
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: source)
            bytes.append(UInt8(ascii: "\""))
        case .escaped:
            bytes.append(UInt8(ascii: "\""))
            for byte in source {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { bytes.append(UInt8(ascii: "\\")) }
                bytes.append(byte)
            }
            bytes.append(UInt8(ascii: "\""))
        case .literal:
            // literal         = "{" number64 ["+"] "}" CRLF *CHAR8            (RFC 9051 §9)
            bytes.append(UInt8(ascii: "{"))
            Self.appendDecimal(UInt64(source.count), to: &bytes)
            bytes.append(contentsOf: [UInt8(ascii: "}"), 0x0D, 0x0A])
            bytes.append(contentsOf: source)
        }
    }

    /// `appendString` for UTF-8 read from storage without a String: the octets of
    /// `appendString(String(decoding: source, as: UTF8.self))`, invalid sequences (only a corrupt
    /// row has them) repaired the same way. Printable ASCII, nearly every envelope field, is
    /// recognised eight octets at a time and quoted as is.
    func appendString(unvalidated source: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        if Self.isPlainQuotable(source) {
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: source)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        if source.contains(where: { $0 >= 0x80 }) && String(validating: source, as: UTF8.self) == nil {
            return appendString(String(decoding: source, as: UTF8.self), to: &bytes)
        }
        appendString(contiguous: source, knownValidUTF8: true, to: &bytes)
    }

    /// True when `quotedForm` would say `.plain` without looking further: at most `maxQuotedLength`
    /// octets, all in 0x20...0x7F but `"` and `\`. False says nothing (the caller asks `quotedForm`).
    static func isPlainQuotable(_ source: UnsafeBufferPointer<UInt8>) -> Bool {
        guard source.count <= maxQuotedLength, let base = source.baseAddress else { return source.isEmpty }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        // Classic word-at-a-time tests: a byte below 0x20 or above 0x7F, or equal to `"` or `\`.
        func clean(_ word: UInt64) -> Bool {
            let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
            let below = (word &- ones &* 0x20) & ~word
            let zeroQuote = (quote &- ones) & ~quote
            let zeroBackslash = (backslash &- ones) & ~backslash
            return (word | below | zeroQuote | zeroBackslash) & highs == 0
        }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= source.count {
            guard clean(raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) else { return false }
            offset += 8
        }
        while offset < source.count {
            let byte = source[offset]
            guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") else { return false }
            offset += 1
        }
        return true
    }

    static let nilBytes: [UInt8] = Array("NIL".utf8)

    /// Decimal digits of `value` without building a String.
    static func appendDecimal(_ value: UInt64, to bytes: inout [UInt8]) {
        guard value >= 10 else { return bytes.append(UInt8(ascii: "0") + UInt8(value)) }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { raw in
            while rest > 0 {
                raw[19 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            bytes.append(contentsOf: raw[(20 - count)...])
        }
    }
}

extension Array where Element == UInt8 {
    /// Appends a literal's octets. A `StaticString` holds no reference: appending a static
    /// `[UInt8]` instead costs a lazy-initialisation check, a retain and a release each time,
    /// which was 3 % of a 10,000-message FETCH.
    @inline(__always)
    mutating func append(ascii literal: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }
}
