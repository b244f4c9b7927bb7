/// One header field of a message or MIME part: its name, where it sits in the message bytes, and its
/// raw bytes (a zero-copy slice of the caller's array), because DKIM, Sieve and IMAP HEADER.FIELDS
/// need the exact bytes while most callers only want the unfolded value.
public struct HeaderField: Sendable, Equatable {
    /// Field name as written (ASCII; "" for a malformed line that has no colon, kept as best effort).
    public let name: String
    /// The whole field, from the first byte of the name to the end of its last line ending
    /// (folded continuation lines included). Indices are offsets in the parsed message.
    public let raw: ArraySlice<UInt8>
    /// Offset of the first byte after the colon (equal to `raw.startIndex` for a malformed line).
    public let valueStart: Int

    /// Longest unfolded value handed out as a `String`; the raw bytes stay complete.
    public static let maximumValueLength = 64 * 1024

    public init(name: String, raw: ArraySlice<UInt8>, valueStart: Int) {
        self.name = name
        self.raw = raw
        self.valueStart = valueStart
    }

    /// Byte range of the whole field (name to final line ending) within the parsed message.
    public var range: Range<Int> { raw.startIndex..<raw.endIndex }

    /// True for a line that had no colon: kept so no byte is lost, never matched by name.
    public var isMalformed: Bool { name.isEmpty }

    /// Raw bytes of the value: after the colon, folding kept, final line ending removed.
    public var rawValue: ArraySlice<UInt8> {
        var end = raw.endIndex
        if end > valueStart, raw[end - 1] == ASCII.lf { end -= 1 }
        if end > valueStart, raw[end - 1] == ASCII.cr { end -= 1 }
        return raw[min(valueStart, end)..<end]
    }

    /// The value unfolded (RFC 5322 §2.2.3: CRLF before WSP removed), trimmed, bounded to
    /// `maximumValueLength` bytes, read as UTF-8 when valid and as ISO-8859-1 otherwise.
    public var value: String {
        String(utf8OrLatin1: unfoldedValueBytes)
    }

    /// Unfolded, trimmed, bounded value bytes (the form every structured-field parser starts from).
    var unfoldedValueBytes: [UInt8] {
        let source = rawValue
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(source.count, Self.maximumValueLength))
        for byte in source where byte != ASCII.cr && byte != ASCII.lf {
            // RFC 5322 §2.2.3: unfolding removes the CRLF only; the WSP that follows stays.
            if bytes.isEmpty && ASCII.isWhitespace(byte) { continue }
            bytes.append(byte)
            if bytes.count >= Self.maximumValueLength {
                // Do not leave half a UTF-8 sequence at the cut (it would turn the value into Latin-1).
                while let last = bytes.last, last & 0xC0 == 0x80 { bytes.removeLast() }
                if let last = bytes.last, last >= 0xC0 { bytes.removeLast() }
                break
            }
        }
        while let last = bytes.last, ASCII.isWhitespace(last) { bytes.removeLast() }
        return bytes
    }

    /// Case-insensitive name comparison (RFC 5322 §1.2.2: field names are case-insensitive).
    public func hasName(_ other: String) -> Bool {
        !name.isEmpty && ASCII.equalsIgnoringCase(name, other)
    }

    public static func == (lhs: HeaderField, rhs: HeaderField) -> Bool {
        lhs.name == rhs.name && lhs.valueStart == rhs.valueStart && lhs.range == rhs.range
            && lhs.raw.elementsEqual(rhs.raw)
    }
}
