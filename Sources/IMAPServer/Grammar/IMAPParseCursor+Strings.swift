// The lexical rules shared by every command: atoms, strings, literals, numbers, tags.

extension IMAPParseCursor {
    // atom            = 1*ATOM-CHAR                                      (RFC 9051 §9)
    mutating func parseAtom(_ what: String = "an atom") throws(IMAPParseError) -> String {
        let start = index
        while let byte = peek(), Self.isAtomChar(byte) { index += 1 }
        guard index > start else { throw invalidCharacterError(expected: what) }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// Names the byte that stopped a token, which helps more than "syntax error" (8-bit, NUL, ...).
    func invalidCharacterError(expected what: String) -> IMAPParseError {
        guard let byte = peek() else { return error("expected \(what), found the end of the command") }
        switch byte {
        case 0x00: return error("NUL byte where \(what) was expected")
        case 0x80...0xFF: return error("8-bit byte where \(what) was expected")
        case 0x01...0x1F, 0x7F: return error("control character where \(what) was expected")
        default: return error("unexpected \"\(String(UnicodeScalar(byte)))\" where \(what) was expected")
        }
    }

    // astring         = 1*ASTRING-CHAR / string                          (RFC 9051 §9)
    mutating func parseAstring(_ what: String = "a string") throws(IMAPParseError) -> [UInt8] {
        if let byte = peek(), byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "{") {
            return try parseString(what)
        }
        if peek() == UInt8(ascii: "~"), peek(1) == UInt8(ascii: "{") { throw error("a literal8 (~{n}) is not allowed here") }
        let start = index
        while let byte = peek(), Self.isAstringChar(byte) { index += 1 }
        guard index > start else { throw invalidCharacterError(expected: what) }
        return Array(bytes[start..<index])
    }

    // string          = quoted / literal                                 (RFC 9051 §9)
    mutating func parseString(_ what: String = "a string") throws(IMAPParseError) -> [UInt8] {
        switch peek() {
        case UInt8(ascii: "\""): return try parseQuoted()
        case UInt8(ascii: "{"):
            switch try parseLiteral(allowBinary: false) {
            case .bytes(let bytes): return bytes
            case .streamed: throw error("a streamed literal is only allowed as APPEND message data")
            }
        default: throw invalidCharacterError(expected: what)
        }
    }

    // nstring         = string / nil                                     (RFC 9051 §9)
    mutating func parseNString() throws(IMAPParseError) -> [UInt8]? {
        if consumeKeyword("NIL") { return nil }
        return try parseString()
    }

    // quoted          = DQUOTE *QUOTED-CHAR DQUOTE
    // QUOTED-CHAR     = <any TEXT-CHAR except quoted-specials> /
    //                   "\" quoted-specials / UTF8-2 / UTF8-3 / UTF8-4
    // quoted-specials = DQUOTE / "\"                                     (RFC 9051 §9)
    // 8-bit bytes must form valid UTF-8; they are accepted in IMAP4rev1 sessions too, since
    // clients send UTF-8 search strings quoted after CHARSET UTF-8 (RFC 6855 §3 leniency).
    mutating func parseQuoted() throws(IMAPParseError) -> [UInt8] {
        try expect(UInt8(ascii: "\""), "a quoted string")
        var result: [UInt8] = []
        var hasEightBit = false
        while true {
            guard let byte = peek() else { throw error("unterminated quoted string") }
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                if hasEightBit, String(validating: result, as: UTF8.self) == nil {
                    throw error("invalid UTF-8 in quoted string")
                }
                return result
            case UInt8(ascii: "\\"):
                guard let escaped = peek(), escaped == UInt8(ascii: "\"") || escaped == UInt8(ascii: "\\") else {
                    throw error("only \\\" and \\\\ may be escaped in a quoted string")
                }
                index += 1
                result.append(escaped)
            case 0x00: throw error("NUL byte in quoted string")
            case 0x0D, 0x0A: throw error("CR or LF in quoted string (use a literal)")
            case 0x80...0xFF:
                hasEightBit = true
                result.append(byte)
            default:
                result.append(byte)
            }
        }
    }

    // literal         = "{" number64 ["+"] "}" CRLF *CHAR8
    // literal8        = "~{" number64 "}" CRLF *OCTET                    (RFC 9051 §9, RFC 3516 §4.1)
    // The "+" of LITERAL+ (RFC 7888 §3) may also follow a literal8 count.
    mutating func parseLiteral(allowBinary: Bool) throws(IMAPParseError) -> IMAPLiteralData {
        let isBinary = consume(UInt8(ascii: "~"))
        if isBinary && !allowBinary { throw error("a literal8 (~{n}) is not allowed here") }
        try expect(UInt8(ascii: "{"), "\"{\" of a literal")
        let octets = try parseNumber64()
        _ = consume(UInt8(ascii: "+"))
        try expect(UInt8(ascii: "}"), "\"}\" closing the literal length")
        guard consume(0x0D), consume(0x0A) else { throw error("expected CRLF after literal length") }
        if let ordinal = streamedLiteralOffsets.firstIndex(of: index) {
            return .streamed(IMAPStreamedLiteral(ordinal: ordinal, octets: octets, isBinary: isBinary))
        }
        guard UInt64(bytes.count - index) >= octets else { throw error("literal shorter than announced") }
        let end = index + Int(octets)
        let data = Array(bytes[index..<end])
        index = end
        // CHAR8 = %x01-ff: only literal8 may carry NUL (RFC 3516 §4.1).
        if !isBinary, data.contains(0) { throw error("NUL byte in literal (use literal8 ~{n} for binary data)") }
        return .bytes(data)
    }

    // number          = 1*DIGIT   ; Unsigned 32-bit integer              (RFC 9051 §9)
    mutating func parseNumber() throws(IMAPParseError) -> UInt32 {
        let value = try parseDigits(limit: UInt64(UInt32.max), what: "a number")
        return UInt32(value)
    }

    // nz-number       = digit-nz *DIGIT                                  (RFC 9051 §9)
    mutating func parseNZNumber() throws(IMAPParseError) -> UInt32 {
        let value = try parseNumber()
        guard value != 0 else { throw error("0 is not a valid non-zero number") }
        return value
    }

    // number64        = 1*DIGIT   ; Unsigned 63-bit integer              (RFC 9051 §9)
    mutating func parseNumber64() throws(IMAPParseError) -> UInt64 {
        try parseDigits(limit: UInt64(Int64.max), what: "a number")
    }

    // nz-number64     = digit-nz *DIGIT                                  (RFC 9051 §9)
    mutating func parseNZNumber64() throws(IMAPParseError) -> UInt64 {
        let value = try parseNumber64()
        guard value != 0 else { throw error("0 is not a valid non-zero number") }
        return value
    }

    private mutating func parseDigits(limit: UInt64, what: String) throws(IMAPParseError) -> UInt64 {
        let start = index
        var value: UInt64 = 0
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2, sum <= limit else {
                throw error("number out of range (maximum \(limit))")
            }
            value = sum
            index += 1
        }
        guard index > start else { throw invalidCharacterError(expected: what) }
        return value
    }

    // tag             = 1*<any ASTRING-CHAR except "+">                  (RFC 9051 §9)
    mutating func parseTag() throws(IMAPParseError) -> String {
        let start = index
        while let byte = peek(), Self.isAstringChar(byte), byte != UInt8(ascii: "+") { index += 1 }
        guard index > start, index - start <= 64 else {
            throw IMAPParseError(.missingTag, index > start ? "tag longer than 64 octets" : "missing command tag", offset: index)
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    // charset         = atom / quoted                                    (RFC 9051 §9)
    // RFC 3501 §9 allows any astring; a literal is accepted here too.
    mutating func parseCharset() throws(IMAPParseError) -> String {
        let raw = try parseAstring("a charset name")
        guard let name = String(validating: raw, as: UTF8.self), name.utf8.count <= 64 else {
            throw error("invalid charset name")
        }
        return name
    }

    /// An astring that must be UTF-8 text (user names, search strings, header names).
    mutating func parseAstringText(_ what: String) throws(IMAPParseError) -> String {
        let raw = try parseAstring(what)
        guard let text = String(validating: raw, as: UTF8.self) else { throw error("\(what) is not valid UTF-8") }
        return text
    }
}
