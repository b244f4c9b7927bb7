/// Turns script bytes into tokens (RFC 5228 §8.1). Works on UTF-8 bytes, counts lines and columns
/// (columns in Unicode scalars), and stops at the first lexical error: after a broken string or
/// comment nothing that follows can be trusted.
struct SieveLexer {
    private let bytes: [UInt8]
    private let limits: SieveLimits
    private var index = 0
    private var line = 1
    private var column = 1

    init(_ source: String, limits: SieveLimits) {
        self.bytes = Array(source.utf8)
        self.limits = limits
    }

    static func tokenize(_ source: String, limits: SieveLimits) -> Result<[SieveToken], SieveError> {
        var lexer = SieveLexer(source, limits: limits)
        return lexer.run()
    }

    private var position: SourcePosition { SourcePosition(line: line, column: column) }

    mutating func run() -> Result<[SieveToken], SieveError> {
        if bytes.count > limits.maximumScriptSize {
            return .failure(SieveError(line: 1, column: 1,
                                       message: "script is larger than \(limits.maximumScriptSize) bytes"))
        }
        var tokens: [SieveToken] = []
        while true {
            if let error = skipWhitespaceAndComments() { return .failure(error) }
            let start = position
            guard index < bytes.count else {
                tokens.append(SieveToken(kind: .endOfInput, position: start, end: start))
                return .success(tokens)
            }
            let kind: SieveToken.Kind
            switch scanToken(start) {
            case .success(let scanned): kind = scanned
            case .failure(let error): return .failure(error)
            }
            tokens.append(SieveToken(kind: kind, position: start, end: position))
        }
    }

    // MARK: - Characters

    private mutating func advance() {
        let byte = bytes[index]
        index += 1
        if byte == 0x0A {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1         // continuation bytes belong to the scalar already counted
        }
    }

    private func peek(_ offset: Int = 0) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    private static func isAlpha(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    // MARK: - White space and comments

    /// RFC 5228 §8.1: white-space = 1*(SP / CRLF / HTAB) / comment.
    private mutating func skipWhitespaceAndComments() -> SieveError? {
        while let byte = peek() {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D:
                advance()
            case UInt8(ascii: "#"):
                // hash-comment = "#" *octet-not-crlf CRLF (end of script accepted too)
                while let next = peek(), next != 0x0A { advance() }
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                let start = position
                advance(); advance()
                var closed = false
                while let next = peek() {
                    if next == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                        advance(); advance()
                        closed = true
                        break
                    }
                    advance()
                }
                if !closed { return SieveError(start, "unterminated '/*' comment") }
            default:
                return nil
            }
        }
        return nil
    }

    // MARK: - Tokens

    private mutating func scanToken(_ start: SourcePosition) -> Result<SieveToken.Kind, SieveError> {
        let byte = bytes[index]
        if let kind = Self.punctuation[byte] {
            advance()
            return .success(kind)
        }
        if byte == UInt8(ascii: "\"") { return scanQuotedString(start) }
        if byte == UInt8(ascii: ":") {
            advance()
            guard let next = peek(), Self.isAlpha(next) || next == UInt8(ascii: "_") else {
                return .failure(SieveError(start, "expected a tag name after ':'"))
            }
            return .success(.tag(scanIdentifierText()))
        }
        if Self.isDigit(byte) { return scanNumber(start) }
        if Self.isAlpha(byte) || byte == UInt8(ascii: "_") {
            let name = scanIdentifierText()
            // RFC 5228 §8.1: multi-line = "text:" *(SP / HTAB) (hash-comment / CRLF) …
            if name == "text", peek() == UInt8(ascii: ":") {
                advance()
                return scanMultiLine(start)
            }
            return .success(.identifier(name))
        }
        let shown = byte < 0x80 && byte >= 0x20 ? "'\(Character(Unicode.Scalar(byte)))'" : "byte \(byte)"
        return .failure(SieveError(start, "unexpected character \(shown)"))
    }

    private static let punctuation: [UInt8: SieveToken.Kind] = [
        UInt8(ascii: "["): .leftBracket, UInt8(ascii: "]"): .rightBracket,
        UInt8(ascii: "("): .leftParen, UInt8(ascii: ")"): .rightParen,
        UInt8(ascii: "{"): .leftBrace, UInt8(ascii: "}"): .rightBrace,
        UInt8(ascii: ","): .comma, UInt8(ascii: ";"): .semicolon,
    ]

    /// identifier = (ALPHA / "_") *(ALPHA / DIGIT / "_")
    private mutating func scanIdentifierText() -> String {
        let begin = index
        while let next = peek(), Self.isAlpha(next) || Self.isDigit(next) || next == UInt8(ascii: "_") {
            advance()
            if index - begin > 256 { break }   // no real identifier is this long; the parser rejects it
        }
        return String(decoding: bytes[begin..<index], as: UTF8.self).lowercased()
    }

    /// number = 1*DIGIT [ QUANTIFIER ]; QUANTIFIER = "K" / "M" / "G" (RFC 5228 §2.4.1)
    private mutating func scanNumber(_ start: SourcePosition) -> Result<SieveToken.Kind, SieveError> {
        var value = 0
        var overflow = false
        while let next = peek(), Self.isDigit(next) {
            advance()
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(Int(next - 0x30))
            overflow = overflow || o1 || o2
            value = sum
        }
        if let next = peek() {
            let multiplier: Int? = switch next | 0x20 {
            case UInt8(ascii: "k"): 1 << 10
            case UInt8(ascii: "m"): 1 << 20
            case UInt8(ascii: "g"): 1 << 30
            default: nil
            }
            if let multiplier {
                advance()
                let (product, o3) = value.multipliedReportingOverflow(by: multiplier)
                overflow = overflow || o3
                value = product
            }
        }
        if let next = peek(), Self.isAlpha(next) || next == UInt8(ascii: "_") {
            return .failure(SieveError(start, "invalid number: unexpected letter after digits"))
        }
        // RFC 5228 §2.4.1 asks for at least 2^31; larger values fit but nothing bigger than Int.
        if overflow { return .failure(SieveError(start, "number is too large")) }
        return .success(.number(value))
    }

    /// quoted-string = DQUOTE quoted-text DQUOTE; "\\" and "\"" are the defined escapes, and any
    /// other backslash is dropped (RFC 5228 §2.4.2: undefined escapes "\x" mean "x").
    private mutating func scanQuotedString(_ start: SourcePosition) -> Result<SieveToken.Kind, SieveError> {
        advance()
        var text: [UInt8] = []
        while let byte = peek() {
            if byte == UInt8(ascii: "\"") {
                advance()
                return .success(.string(String(decoding: text, as: UTF8.self)))
            }
            if byte == UInt8(ascii: "\\") {
                advance()
                guard let escaped = peek() else { break }
                text.append(escaped)
            } else {
                text.append(byte)
            }
            advance()
            if text.count > limits.maximumStringLength {
                return .failure(SieveError(start, "string is longer than \(limits.maximumStringLength) bytes"))
            }
        }
        return .failure(SieveError(start, "unterminated string (missing '\"')"))
    }

    /// multi-line text: lines up to a line holding only "."; a leading ".." stands for "."
    /// (dot-stuffing). Line ends become CRLF whatever the script used (RFC 5228 §2.4.2).
    private mutating func scanMultiLine(_ start: SourcePosition) -> Result<SieveToken.Kind, SieveError> {
        while let byte = peek(), byte == 0x20 || byte == 0x09 { advance() }
        if peek() == UInt8(ascii: "#") {
            while let next = peek(), next != 0x0A { advance() }
        }
        if peek() == 0x0D { advance() }
        guard peek() == 0x0A else {
            return .failure(SieveError(start, "expected end of line after 'text:'"))
        }
        advance()
        var text: [UInt8] = []
        while index < bytes.count {
            var lineBytes: [UInt8] = []
            while let byte = peek(), byte != 0x0A {
                lineBytes.append(byte)
                advance()
            }
            let terminated = peek() == 0x0A
            if terminated { advance() }
            if lineBytes.last == 0x0D { lineBytes.removeLast() }
            if lineBytes == [UInt8(ascii: ".")] {
                return .success(.string(String(decoding: text, as: UTF8.self)))
            }
            // Like SMTP's transparency rule: the first dot of a line that starts with one is stuffing.
            if lineBytes.first == UInt8(ascii: ".") { lineBytes.removeFirst() }
            guard terminated else { break }
            text += lineBytes
            text += [0x0D, 0x0A]
            if text.count > limits.maximumStringLength {
                return .failure(SieveError(start, "string is longer than \(limits.maximumStringLength) bytes"))
            }
        }
        return .failure(SieveError(start, "unterminated multi-line string (missing a line with only '.')"))
    }
}
