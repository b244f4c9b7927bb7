// What FETCH may ask for (RFC 9051 §6.4.5 and extensions).

/// One FETCH data item. The macros ALL, FAST and FULL are expanded by the parser
/// (RFC 9051 §6.4.5), so the session only sees these.
public enum IMAPFetchAttribute: Sendable, Hashable {
    case envelope, flags, internalDate, rfc822Size, uid
    /// `BODY` without a section: the non-extensible BODYSTRUCTURE.
    case body
    case bodyStructure
    /// `BODY[section]<partial>` (sets \Seen) or `BODY.PEEK[...]` (does not).
    case bodySection(IMAPSection, partial: IMAPPartial?, peek: Bool)
    /// `BINARY[part]<partial>` / `BINARY.PEEK[...]` (RFC 3516 §4.2).
    case binary(part: [UInt32], partial: IMAPPartial?, peek: Bool)
    case binarySize(part: [UInt32])
    /// IMAP4rev1 (RFC 3501 §6.4.5): RFC822 = BODY[], RFC822.HEADER = BODY.PEEK[HEADER], RFC822.TEXT = BODY[TEXT].
    case rfc822, rfc822Header, rfc822Text
    /// RFC 7162 §3.1.4.1.
    case modSequence
    /// RFC 8474 §5.
    case emailID, threadID
    /// RFC 8514 §3.
    case saveDate
    /// RFC 8970 §3: PREVIEW, optionally (LAZY).
    case preview(lazy: Bool)
}

/// FETCH modifiers (RFC 4466 §2.4): CHANGEDSINCE and VANISHED (RFC 7162 §3.1.4.1, §3.2.6).
public enum IMAPFetchModifier: Sendable, Hashable {
    case changedSince(UInt64)
    case vanished
}

extension IMAPParseCursor {
    // fetch           = "FETCH" SP sequence-set SP (
    //                   "ALL" / "FULL" / "FAST" /
    //                   fetch-att / "(" fetch-att *(SP fetch-att) ")")   (RFC 9051 §9)
    mutating func parseFetchAttributes() throws(IMAPParseError) -> [IMAPFetchAttribute] {
        if peek() == UInt8(ascii: "(") {
            return try parseParenthesizedList(allowEmpty: false, what: "fetch attribute list") { (cursor: inout IMAPParseCursor) throws(IMAPParseError) in
                try cursor.parseFetchAtt()
            }
        }
        if consumeKeyword("ALL") { return [.flags, .internalDate, .rfc822Size, .envelope] }
        if consumeKeyword("FAST") { return [.flags, .internalDate, .rfc822Size] }
        if consumeKeyword("FULL") { return [.flags, .internalDate, .rfc822Size, .envelope, .body] }
        return [try parseFetchAtt()]
    }

    // fetch-att       = "ENVELOPE" / "FLAGS" / "INTERNALDATE" /
    //                   "RFC822.SIZE" /
    //                   "BODY" ["STRUCTURE"] / "UID" /
    //                   "BODY" section [partial] /
    //                   "BODY.PEEK" section [partial] /
    //                   "BINARY" [".PEEK"] section-binary [partial] /
    //                   "BINARY.SIZE" section-binary                     (RFC 9051 §9)
    // fetch-att       =/ "RFC822" / "RFC822.HEADER" / "RFC822.TEXT"      (RFC 3501 §9)
    // fetch-att       =/ fetch-mod-sequence                              (RFC 7162 §7)
    // fetch-att       =/ "EMAILID" / "THREADID"                          (RFC 8474 §7)
    // fetch-att       =/ "SAVEDATE"                                      (RFC 8514 §6)
    // fetch-att       =/ "PREVIEW" [SP "(" preview-mod *(SP preview-mod) ")"]  (RFC 8970 §7)
    mutating func parseFetchAtt() throws(IMAPParseError) -> IMAPFetchAttribute {
        let start = index
        let name = parseKeywordToken()
        switch name {
        case "ENVELOPE": return .envelope
        case "FLAGS": return .flags
        case "INTERNALDATE": return .internalDate
        case "RFC822.SIZE": return .rfc822Size
        case "UID": return .uid
        case "BODYSTRUCTURE": return .bodyStructure
        case "RFC822": return .rfc822
        case "RFC822.HEADER": return .rfc822Header
        case "RFC822.TEXT": return .rfc822Text
        case "MODSEQ": return .modSequence
        case "EMAILID": return .emailID
        case "THREADID": return .threadID
        case "SAVEDATE": return .saveDate
        case "PREVIEW":
            guard peek() == UInt8(ascii: " "), peek(1) == UInt8(ascii: "(") else { return .preview(lazy: false) }
            advance()
            let modifiers = try parseParenthesizedList(allowEmpty: false, what: "PREVIEW modifiers") { (cursor: inout IMAPParseCursor) throws(IMAPParseError) in
                cursor.parseKeywordToken()
            }
            guard modifiers.allSatisfy({ $0 == "LAZY" }) else { throw error("unknown PREVIEW modifier") }
            return .preview(lazy: true)
        case "BODY", "BODY.PEEK":
            guard peek() == UInt8(ascii: "[") else {
                if name == "BODY" { return .body }
                throw error("BODY.PEEK needs a section")
            }
            let section = try parseSection()
            return .bodySection(section, partial: try parsePartial(), peek: name == "BODY.PEEK")
        case "BINARY", "BINARY.PEEK":
            let part = try parseSectionBinary()
            return .binary(part: part, partial: try parsePartial(), peek: name == "BINARY.PEEK")
        case "BINARY.SIZE":
            return .binarySize(part: try parseSectionBinary())
        case "":
            throw invalidCharacterError(expected: "a fetch attribute")
        default:
            throw IMAPParseError(.syntax, "unknown fetch attribute \(name)", offset: start)
        }
    }

    // fetch-modifiers = SP "(" fetch-modifier *(SP fetch-modifier) ")"   (RFC 4466 §2.4)
    // fetch-modifier  =/ chgsince-fetch-mod / rexpunges-fetch-mod
    // chgsince-fetch-mod = "CHANGEDSINCE" SP mod-sequence-value
    // rexpunges-fetch-mod = "VANISHED"                                   (RFC 7162 §7)
    mutating func parseFetchModifiers() throws(IMAPParseError) -> [IMAPFetchModifier] {
        try parseParenthesizedList(allowEmpty: false, what: "fetch modifiers") { (cursor: inout IMAPParseCursor) throws(IMAPParseError) -> IMAPFetchModifier in
            let name = cursor.parseKeywordToken()
            switch name {
            case "CHANGEDSINCE":
                try cursor.expectSpace()
                return .changedSince(try cursor.parseNumber64())
            case "VANISHED":
                return .vanished
            default:
                throw IMAPParseError(.unsupported, "unknown FETCH modifier \(name)", offset: cursor.index)
            }
        }
    }
}
