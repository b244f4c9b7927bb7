// Splits a framed command into atoms, numbers and strings (RFC 5804 §4).

/// Turns the segments of a `ManageSieveCommandLine` into tokens. Tokens are separated by SP; a
/// literal's octets are one string token wherever they appear.
public enum ManageSieveTokenizer {
    /// RFC 5804 §4: `quoted = DQUOTE *1024QUOTED-CHAR DQUOTE`.
    public static let maxQuotedLength = 1024
    /// RFC 5804 §4: `atom = 1*1024ATOM-CHAR`.
    public static let maxAtomLength = 1024

    public static func tokens(_ line: ManageSieveCommandLine) throws(ManageSieveParseError) -> [ManageSieveToken] {
        var tokens: [ManageSieveToken] = []
        for segment in line.segments {
            switch segment {
            case .literal(let bytes):
                tokens.append(.string(bytes))
            case .text(let bytes):
                try tokenize(bytes, into: &tokens)
            }
        }
        return tokens
    }

    private static func tokenize(_ bytes: [UInt8], into tokens: inout [ManageSieveToken]) throws(ManageSieveParseError) {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: " ") {
                index += 1
                continue
            }
            let start = index
            if byte == UInt8(ascii: "\"") {
                tokens.append(.string(try quoted(bytes, from: &index)))
            } else if isAtomChar(byte) {
                while index < bytes.count, isAtomChar(bytes[index]) { index += 1 }
                guard index - start <= maxAtomLength else { throw ManageSieveParseError("atom too long") }
                tokens.append(try atomOrNumber(bytes[start..<index]))
            } else {
                throw ManageSieveParseError("unexpected character in command")
            }
            // Tokens are separated by SP (or a literal follows the text).
            if index < bytes.count && bytes[index] != UInt8(ascii: " ") {
                throw ManageSieveParseError("missing space between arguments")
            }
        }
    }

    // QUOTED-CHAR     = SAFE-UTF8-CHAR / "\" QUOTED-SPECIALS
    // QUOTED-SPECIALS = DQUOTE / "\"
    // SAFE-CHAR       = %x01-09 / %x0B-0C / %x0E-21 / %x23-5B / %x5D-7F
    private static func quoted(_ bytes: [UInt8], from index: inout Int) throws(ManageSieveParseError) -> [UInt8] {
        index += 1   // opening DQUOTE
        var value: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard String(validating: value, as: UTF8.self) != nil else {
                    throw ManageSieveParseError("quoted string is not UTF-8")
                }
                return value
            case UInt8(ascii: "\\"):
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "\\") else {
                    throw ManageSieveParseError("invalid escape in quoted string")
                }
                value.append(bytes[index])
                index += 1
            case 0x00, 0x0A, 0x0D:
                throw ManageSieveParseError("invalid character in quoted string")
            default:
                value.append(byte)
            }
            guard value.count <= maxQuotedLength else {
                throw ManageSieveParseError("quoted string longer than 1024 octets; use a literal")
            }
        }
        throw ManageSieveParseError("unterminated quoted string")
    }

    // number = (NZDIGIT *DIGIT) / "0"   ;; A 32-bit unsigned number
    private static func atomOrNumber(_ bytes: ArraySlice<UInt8>) throws(ManageSieveParseError) -> ManageSieveToken {
        let text = String(decoding: bytes, as: UTF8.self)
        guard bytes.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return .atom(text) }
        guard bytes.count == 1 || bytes.first != UInt8(ascii: "0"), let value = UInt32(text) else {
            throw ManageSieveParseError("number out of range")
        }
        return .number(value)
    }

    // ATOM-CHAR     = "!" / %x23-27 / %x2A-5B / %x5D-7A / %x7C-7E
    // ATOM-SPECIALS = "(" / ")" / "{" / SP / CTL / QUOTED-SPECIALS
    static func isAtomChar(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x21, 0x23...0x27, 0x2A...0x5B, 0x5D...0x7A, 0x7C...0x7E: return true
        default: return false
        }
    }
}
