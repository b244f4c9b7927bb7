// A bounds-checked read position over one command frame; every parse function advances one.

/// Reads the bytes of one framed command (its literals inline, final CRLF removed) without ever
/// indexing past the end. Frames are bounded by `IMAPCommandFramer`, so nothing here allocates
/// more than the frame; recursion is bounded by `limits.maxNestingDepth` through `nested`.
struct IMAPParseCursor {
    let bytes: [UInt8]
    var index: Int = 0
    /// Offsets (just after a literal's CRLF) whose octets were streamed out by the framer.
    let streamedLiteralOffsets: [Int]
    let options: IMAPCommandParser.Options
    private var depth = 0

    init(_ frame: IMAPCommandFrame, options: IMAPCommandParser.Options) {
        self.bytes = frame.bytes
        self.streamedLiteralOffsets = frame.streamedLiterals.map(\.offset)
        self.options = options
    }

    var limits: IMAPGrammarLimits { options.limits }
    var isAtEnd: Bool { index >= bytes.count }

    func peek(_ offset: Int = 0) -> UInt8? {
        let position = index + offset
        return position < bytes.count ? bytes[position] : nil
    }

    mutating func advance(_ count: Int = 1) {
        index = min(bytes.count, index + count)
    }

    func error(_ message: String, _ kind: IMAPParseError.Kind = .syntax) -> IMAPParseError {
        IMAPParseError(kind, message, offset: index)
    }

    /// Consumes `byte` if it is next.
    mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        index += 1
        return true
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(IMAPParseError) {
        guard consume(byte) else { throw error("expected \(what)") }
    }

    // SP = %x20. RFC 9051 §9 note 2: exactly one space, never TAB or several spaces.
    mutating func expectSpace() throws(IMAPParseError) {
        guard consume(UInt8(ascii: " ")) else {
            if isAtEnd { throw error("unexpected end of command") }
            if let byte = peek(), byte < 0x20 || byte >= 0x7F { throw invalidCharacterError(expected: "a space") }
            throw error("expected a space")
        }
    }

    /// Consumes `keyword` ASCII-case-insensitively (RFC 9051 §9 note 1) when it is followed by a
    /// byte that cannot continue an atom (or the end), so `ALL` does not match the start of `ALLX`.
    mutating func consumeKeyword(_ keyword: String) -> Bool {
        let expected = Array(keyword.utf8)
        guard bytes.count - index >= expected.count else { return false }
        for (offset, byte) in expected.enumerated()
        where Self.uppercased(bytes[index + offset]) != Self.uppercased(byte) {
            return false
        }
        if let following = peek(expected.count), Self.isAtomChar(following) { return false }
        index += expected.count
        return true
    }

    /// Reads a keyword token (letters, digits, ".", "-", "_", "=", "/", "+"): command names,
    /// search keys, fetch attribute names. Uppercased so callers can `switch` on it.
    mutating func parseKeywordToken() -> String {
        let start = index
        while let byte = peek(), index - start < 64, Self.isKeywordChar(byte) { index += 1 }
        return String(decoding: bytes[start..<index].map(Self.uppercased), as: UTF8.self)
    }

    static func isKeywordChar(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"),
             UInt8(ascii: "_"), UInt8(ascii: "="), UInt8(ascii: "/"), UInt8(ascii: "+"):
            return true
        default: return false
        }
    }

    /// Consumes `text` ASCII-case-insensitively with no check of what follows.
    mutating func consumePrefix(_ text: String) -> Bool {
        let expected = Array(text.utf8)
        guard bytes.count - index >= expected.count else { return false }
        for (offset, byte) in expected.enumerated()
        where Self.uppercased(bytes[index + offset]) != Self.uppercased(byte) {
            return false
        }
        index += expected.count
        return true
    }

    /// Runs `body` one nesting level deeper; throws once `limits.maxNestingDepth` is reached, so
    /// recursive rules (search-key, option values, body structure) cannot exhaust the stack.
    mutating func nested<T>(_ body: (inout IMAPParseCursor) throws(IMAPParseError) -> T) throws(IMAPParseError) -> T {
        guard depth < limits.maxNestingDepth else {
            throw error("nesting deeper than \(limits.maxNestingDepth) levels", .limitExceeded)
        }
        depth += 1
        defer { depth -= 1 }
        return try body(&self)
    }

    /// Parses `"(" item *(SP item) ")"` (or `"(" ")"` when `allowEmpty`), bounded by `maxListItems`.
    mutating func parseParenthesizedList<T>(
        allowEmpty: Bool, what: String,
        _ item: (inout IMAPParseCursor) throws(IMAPParseError) -> T
    ) throws(IMAPParseError) -> [T] {
        try expect(UInt8(ascii: "("), "\"(\" to open \(what)")
        var items: [T] = []
        if consume(UInt8(ascii: ")")) {
            guard allowEmpty else { throw error("empty \(what)") }
            return items
        }
        while true {
            guard items.count < limits.maxListItems else {
                throw error("more than \(limits.maxListItems) items in \(what)", .limitExceeded)
            }
            items.append(try item(&self))
            if consume(UInt8(ascii: ")")) { return items }
            guard consume(UInt8(ascii: " ")) else {
                throw error(isAtEnd ? "unbalanced parentheses in \(what)" : "expected a space or \")\" in \(what)")
            }
        }
    }

    static func uppercased(_ byte: UInt8) -> UInt8 {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) ? byte - 32 : byte
    }

    // ATOM-CHAR       = <any CHAR except atom-specials>
    // atom-specials   = "(" / ")" / "{" / SP / CTL / list-wildcards /
    //                   quoted-specials / resp-specials                 (RFC 9051 §9)
    static func isAtomChar(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x00...0x20, 0x7F...0xFF: return false
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "{"), UInt8(ascii: "%"),
             UInt8(ascii: "*"), UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "]"):
            return false
        default: return true
        }
    }

    // ASTRING-CHAR   = ATOM-CHAR / resp-specials                         (RFC 9051 §9)
    static func isAstringChar(_ byte: UInt8) -> Bool {
        isAtomChar(byte) || byte == UInt8(ascii: "]")
    }

    // list-char       = ATOM-CHAR / list-wildcards / resp-specials       (RFC 9051 §9)
    static func isListChar(_ byte: UInt8) -> Bool {
        isAstringChar(byte) || byte == UInt8(ascii: "%") || byte == UInt8(ascii: "*")
    }
}
