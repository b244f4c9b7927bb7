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
        guard let text else { return bytes.append(contentsOf: Self.nilBytes) }
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
