// SEARCH criteria: every key of RFC 9051 §6.4.4 and RFC 3501 §6.4.4, plus CONDSTORE,
// WITHIN, OBJECTID and SAVEDATE keys.

/// One search criterion. A list of keys ANDs them (`.and`), as does a parenthesised group.
public indirect enum IMAPSearchKey: Sendable, Hashable {
    case all
    case answered, deleted, draft, flagged, seen
    case unanswered, undeleted, undraft, unflagged, unseen
    /// IMAP4rev1 only (RFC 3501 §6.4.4): RECENT, NEW (= RECENT UNSEEN), OLD (= NOT RECENT).
    case recent, new, old
    case keyword(String)
    case unkeyword(String)
    case bcc(String), cc(String), from(String), to(String), subject(String)
    case body(String), text(String)
    case header(field: String, value: String)
    case before(IMAPDate), on(IMAPDate), since(IMAPDate)
    case sentBefore(IMAPDate), sentOn(IMAPDate), sentSince(IMAPDate)
    case larger(UInt64), smaller(UInt64)
    case uid(IMAPSequenceSet)
    case sequenceNumbers(IMAPSequenceSet)
    case not(IMAPSearchKey)
    case or(IMAPSearchKey, IMAPSearchKey)
    case and([IMAPSearchKey])
    /// RFC 7162 §3.1.5: MODSEQ ["/flags/<flag>" priv|shared|all] n.
    case modSequence(IMAPSearchModSequence)
    /// RFC 5032: messages at most / more than N seconds old.
    case younger(UInt32), older(UInt32)
    /// RFC 8474 §5.
    case emailID(String), threadID(String)
    /// RFC 8514 §4.
    case savedBefore(IMAPDate), savedOn(IMAPDate), savedSince(IMAPDate), savedDateSupported
}

/// The argument of a MODSEQ search key (RFC 7162 §3.1.5).
public struct IMAPSearchModSequence: Sendable, Hashable {
    public enum EntryType: String, Sendable, Hashable { case `private` = "priv", shared, all }
    /// The flag named by the "/flags/..." entry, when given.
    public var flag: IMAPFlag?
    public var entryType: EntryType?
    public var value: UInt64

    public init(flag: IMAPFlag? = nil, entryType: EntryType? = nil, value: UInt64) {
        self.flag = flag
        self.entryType = entryType
        self.value = value
    }
}

extension IMAPParseCursor {
    // search-key      = "ALL" / "ANSWERED" / "BCC" SP astring /
    //                   "BEFORE" SP date / "BODY" SP astring /
    //                   "CC" SP astring / "DELETED" / "FLAGGED" /
    //                   "FROM" SP astring / "KEYWORD" SP flag-keyword /
    //                   "ON" SP date / "SEEN" /
    //                   "SINCE" SP date / "SUBJECT" SP astring /
    //                   "TEXT" SP astring / "TO" SP astring /
    //                   "UNANSWERED" / "UNDELETED" / "UNFLAGGED" /
    //                   "UNKEYWORD" SP flag-keyword / "UNSEEN" /
    //                   "DRAFT" / "HEADER" SP header-fld-name SP astring /
    //                   "LARGER" SP number64 / "NOT" SP search-key /
    //                   "OR" SP search-key SP search-key /
    //                   "SENTBEFORE" SP date / "SENTON" SP date /
    //                   "SENTSINCE" SP date / "SMALLER" SP number64 /
    //                   "UID" SP sequence-set / "UNDRAFT" / sequence-set /
    //                   "(" search-key *(SP search-key) ")"               (RFC 9051 §9)
    // search-key      =/ "NEW" / "OLD" / "RECENT"                         (RFC 3501 §9)
    // search-key      =/ search-modsequence                               (RFC 7162 §7)
    // search-key      =/ ( "OLDER" / "YOUNGER" ) SP nz-number             (RFC 5032 §4)
    // search-key      =/ "EMAILID" SP objectid / "THREADID" SP objectid   (RFC 8474 §7)
    // search-key      =/ "SAVEDBEFORE" SP date / "SAVEDON" SP date /
    //                    "SAVEDSINCE" SP date / "SAVEDATESUPPORTED"       (RFC 8514 §6)
    mutating func parseSearchKey() throws(IMAPParseError) -> IMAPSearchKey {
        try nested { (cursor: inout IMAPParseCursor) throws(IMAPParseError) -> IMAPSearchKey in
            try cursor.parseSearchKeyUnnested()
        }
    }

    private mutating func parseSearchKeyUnnested() throws(IMAPParseError) -> IMAPSearchKey {
        if peek() == UInt8(ascii: "(") {
            let keys = try parseParenthesizedList(allowEmpty: false, what: "search key group") { (cursor: inout IMAPParseCursor) throws(IMAPParseError) in
                try cursor.parseSearchKey()
            }
            return keys.count == 1 ? keys[0] : .and(keys)
        }
        if let byte = peek(), byte == UInt8(ascii: "*") || byte == UInt8(ascii: "$") || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) {
            return .sequenceNumbers(try parseSequenceSet())
        }
        let start = index
        let name = parseKeywordToken()
        switch name {
        case "ALL": return .all
        case "ANSWERED": return .answered
        case "DELETED": return .deleted
        case "DRAFT": return .draft
        case "FLAGGED": return .flagged
        case "SEEN": return .seen
        case "UNANSWERED": return .unanswered
        case "UNDELETED": return .undeleted
        case "UNDRAFT": return .undraft
        case "UNFLAGGED": return .unflagged
        case "UNSEEN": return .unseen
        case "RECENT": return .recent
        case "NEW": return .new
        case "OLD": return .old
        case "SAVEDATESUPPORTED": return .savedDateSupported
        case "KEYWORD": try expectSpace(); return .keyword(try parseFlagKeyword())
        case "UNKEYWORD": try expectSpace(); return .unkeyword(try parseFlagKeyword())
        case "BCC": try expectSpace(); return .bcc(try parseAstringText("a search string"))
        case "CC": try expectSpace(); return .cc(try parseAstringText("a search string"))
        case "FROM": try expectSpace(); return .from(try parseAstringText("a search string"))
        case "TO": try expectSpace(); return .to(try parseAstringText("a search string"))
        case "SUBJECT": try expectSpace(); return .subject(try parseAstringText("a search string"))
        case "BODY": try expectSpace(); return .body(try parseAstringText("a search string"))
        case "TEXT": try expectSpace(); return .text(try parseAstringText("a search string"))
        case "HEADER":
            try expectSpace()
            let field = try parseHeaderFieldName()
            try expectSpace()
            return .header(field: field, value: try parseAstringText("a search string"))
        case "BEFORE": try expectSpace(); return .before(try parseDate())
        case "ON": try expectSpace(); return .on(try parseDate())
        case "SINCE": try expectSpace(); return .since(try parseDate())
        case "SENTBEFORE": try expectSpace(); return .sentBefore(try parseDate())
        case "SENTON": try expectSpace(); return .sentOn(try parseDate())
        case "SENTSINCE": try expectSpace(); return .sentSince(try parseDate())
        case "SAVEDBEFORE": try expectSpace(); return .savedBefore(try parseDate())
        case "SAVEDON": try expectSpace(); return .savedOn(try parseDate())
        case "SAVEDSINCE": try expectSpace(); return .savedSince(try parseDate())
        case "LARGER": try expectSpace(); return .larger(try parseNumber64())
        case "SMALLER": try expectSpace(); return .smaller(try parseNumber64())
        case "UID": try expectSpace(); return .uid(try parseSequenceSet())
        case "OLDER": try expectSpace(); return .older(try parseNZNumber())
        case "YOUNGER": try expectSpace(); return .younger(try parseNZNumber())
        case "EMAILID": try expectSpace(); return .emailID(try parseObjectID())
        case "THREADID": try expectSpace(); return .threadID(try parseObjectID())
        case "NOT":
            try expectSpace()
            return .not(try parseSearchKey())
        case "OR":
            try expectSpace()
            let first = try parseSearchKey()
            try expectSpace()
            return .or(first, try parseSearchKey())
        case "MODSEQ":
            try expectSpace()
            return .modSequence(try parseSearchModSequence())
        case "FUZZY":
            // todo(rfc): RFC 6203 FUZZY search.
            throw IMAPParseError(.unsupported, "FUZZY search is not supported", offset: start)
        case "":
            throw invalidCharacterError(expected: "a search key")
        default:
            throw IMAPParseError(.syntax, "unknown search key \(name)", offset: start)
        }
    }

    // search-modsequence = "MODSEQ" [search-modseq-ext] SP mod-sequence-valzer
    // search-modseq-ext = SP entry-name SP entry-type-req
    // entry-name        = entry-flag-name
    // entry-flag-name   = DQUOTE "/flags/" attr-flag DQUOTE
    // entry-type-req    = entry-type-resp / "all"
    // entry-type-resp   = "priv" / "shared"                              (RFC 7162 §7)
    mutating func parseSearchModSequence() throws(IMAPParseError) -> IMAPSearchModSequence {
        guard peek() == UInt8(ascii: "\"") else {
            return IMAPSearchModSequence(value: try parseNumber64())
        }
        let entry = String(decoding: try parseQuoted(), as: UTF8.self)
        guard entry.lowercased().hasPrefix("/flags/") else { throw error("MODSEQ entry name must start with /flags/") }
        var flagCursor = IMAPParseCursor(IMAPCommandFrame(Array(entry.utf8.dropFirst(7))), options: options)
        let flag = try flagCursor.parseFlag()
        guard flagCursor.isAtEnd else { throw error("invalid flag in MODSEQ entry name") }
        try expectSpace()
        let typeName = parseKeywordToken().lowercased()
        guard let entryType = IMAPSearchModSequence.EntryType(rawValue: typeName) else {
            throw error("MODSEQ entry type must be priv, shared or all")
        }
        try expectSpace()
        return IMAPSearchModSequence(flag: flag, entryType: entryType, value: try parseNumber64())
    }

    // header-fld-name = astring                                          (RFC 9051 §9)
    mutating func parseHeaderFieldName() throws(IMAPParseError) -> String {
        let name = try parseAstringText("a header field name")
        guard !name.isEmpty, name.utf8.count <= 998,
              name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }) else {
            throw error("invalid header field name")
        }
        return name
    }

    // objectid = 1*255(ALPHA / DIGIT / "_" / "-")                        (RFC 8474 §7)
    mutating func parseObjectID() throws(IMAPParseError) -> String {
        let start = index
        while let byte = peek(), index - start < 255,
              byte.isASCIIAlphanumeric || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") {
            index += 1
        }
        guard index > start else { throw invalidCharacterError(expected: "an object id") }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }
}

extension UInt8 {
    var isASCIIAlphanumeric: Bool {
        (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z")) || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z"))
            || (self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9"))
    }
}
