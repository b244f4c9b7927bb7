// Body section specifiers: BODY[1.2.HEADER.FIELDS (From To)]<0.1024>.

/// A section of a message (RFC 9051 §6.4.5): a part path (empty for the whole message) and
/// what of that part. `BODY[]` is `IMAPSection()`.
public struct IMAPSection: Sendable, Hashable, CustomStringConvertible {
    public enum Text: Sendable, Hashable {
        case header
        case headerFields([String])
        case headerFieldsNot([String])
        case text
        /// The MIME header of a part; only after a part number.
        case mime
    }

    /// Part numbers, outermost first: `1.2.3` is [1, 2, 3]. Bounded by `maxSectionDepth`.
    public var part: [UInt32]
    public var text: Text?

    public init(part: [UInt32] = [], text: Text? = nil) {
        self.part = part
        self.text = text
    }

    /// The wire form inside the brackets, e.g. `1.2.HEADER.FIELDS (FROM TO)`.
    public var description: String {
        var pieces = part.map(String.init)
        switch text {
        case nil: break
        case .header: pieces.append("HEADER")
        case .text: pieces.append("TEXT")
        case .mime: pieces.append("MIME")
        case .headerFields(let fields): pieces.append("HEADER.FIELDS (\(fields.joined(separator: " ")))")
        case .headerFieldsNot(let fields): pieces.append("HEADER.FIELDS.NOT (\(fields.joined(separator: " ")))")
        }
        return pieces.joined(separator: ".")
    }
}

/// A partial fetch `<offset.length>` (RFC 9051 `partial`).
public struct IMAPPartial: Sendable, Hashable {
    public var offset: UInt64
    public var length: UInt64

    public init(offset: UInt64, length: UInt64) {
        self.offset = offset
        self.length = length
    }
}

extension IMAPParseCursor {
    // section         = "[" [section-spec] "]"
    // section-spec    = section-msgtext / (section-part ["." section-text])
    // section-text    = section-msgtext / "MIME"                         (RFC 9051 §9)
    mutating func parseSection() throws(IMAPParseError) -> IMAPSection {
        try expect(UInt8(ascii: "["), "\"[\" opening a section")
        if consume(UInt8(ascii: "]")) { return IMAPSection() }
        var section = IMAPSection()
        if let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            section.part = try parseSectionPart()
            if consume(UInt8(ascii: ".")) {
                if consumeKeyword("MIME") {
                    section.text = .mime
                } else {
                    section.text = try parseSectionMessageText()
                }
            }
        } else {
            section.text = try parseSectionMessageText()
        }
        try expect(UInt8(ascii: "]"), "\"]\" closing the section")
        return section
    }

    // section-binary  = "[" [section-part] "]"                           (RFC 9051 §9)
    mutating func parseSectionBinary() throws(IMAPParseError) -> [UInt32] {
        try expect(UInt8(ascii: "["), "\"[\" opening a section")
        if consume(UInt8(ascii: "]")) { return [] }
        let part = try parseSectionPart()
        try expect(UInt8(ascii: "]"), "\"]\" closing the section")
        return part
    }

    // section-part    = nz-number *("." nz-number)                       (RFC 9051 §9)
    mutating func parseSectionPart() throws(IMAPParseError) -> [UInt32] {
        var part = [try parseNZNumber()]
        while peek() == UInt8(ascii: "."), let next = peek(1), next >= UInt8(ascii: "0"), next <= UInt8(ascii: "9") {
            guard part.count < limits.maxSectionDepth else {
                throw error("section part deeper than \(limits.maxSectionDepth) levels", .limitExceeded)
            }
            advance()
            part.append(try parseNZNumber())
        }
        return part
    }

    // section-msgtext = "HEADER" /
    //                   "HEADER.FIELDS" [".NOT"] SP header-list /
    //                   "TEXT"                                           (RFC 9051 §9)
    mutating func parseSectionMessageText() throws(IMAPParseError) -> IMAPSection.Text {
        let name = parseKeywordToken()
        switch name {
        case "HEADER": return .header
        case "TEXT": return .text
        case "HEADER.FIELDS":
            try expectSpace()
            return .headerFields(try parseHeaderList())
        case "HEADER.FIELDS.NOT":
            try expectSpace()
            return .headerFieldsNot(try parseHeaderList())
        default:
            throw error("expected HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT or MIME in a section")
        }
    }

    // header-list     = "(" header-fld-name *(SP header-fld-name) ")"    (RFC 9051 §9)
    mutating func parseHeaderList() throws(IMAPParseError) -> [String] {
        try parseParenthesizedList(allowEmpty: false, what: "header list") { (cursor: inout IMAPParseCursor) throws(IMAPParseError) in
            try cursor.parseHeaderFieldName()
        }
    }

    // partial         = "<" number64 "." nz-number64 ">"                 (RFC 9051 §9)
    mutating func parsePartial() throws(IMAPParseError) -> IMAPPartial? {
        guard consume(UInt8(ascii: "<")) else { return nil }
        let offset = try parseNumber64()
        try expect(UInt8(ascii: "."), "\".\" in a partial range")
        let length = try parseNZNumber64()
        try expect(UInt8(ascii: ">"), "\">\" closing a partial range")
        return IMAPPartial(offset: offset, length: length)
    }
}
