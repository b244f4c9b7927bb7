// SEARCH arguments: RETURN options, CHARSET and the criteria (RFC 9051 §6.4.4, RFC 4731, RFC 5182).

/// A parsed SEARCH (or UID SEARCH).
public struct IMAPSearchCommand: Sendable, Hashable {
    /// ESEARCH result options (RFC 4731 §3.1, RFC 5182 §2).
    public enum ReturnOption: Sendable, Hashable {
        case min, max, all, count
        /// SEARCHRES: remember the result as `$`.
        case save
    }

    /// nil: no RETURN, answer with the IMAP4rev1 SEARCH response (or ESEARCH ALL in IMAP4rev2,
    /// RFC 9051 §6.4.4). An empty `RETURN ()` means ALL (RFC 4731 §3.1).
    public var returnOptions: [ReturnOption]?
    public var charset: String?
    /// All criteria ANDed (a single key when only one was given).
    public var key: IMAPSearchKey

    public init(returnOptions: [ReturnOption]? = nil, charset: String? = nil, key: IMAPSearchKey) {
        self.returnOptions = returnOptions
        self.charset = charset
        self.key = key
    }
}

extension IMAPParseCursor {
    // search          = "SEARCH" [search-return-opts]
    //                   SP search-program
    // search-program  = ["CHARSET" SP charset SP]
    //                   search-key *(SP search-key)
    // search-return-opts = SP "RETURN" SP "(" [search-return-opt
    //                     *(SP search-return-opt)] ")"
    // search-return-opt  = "MIN" / "MAX" / "ALL" / "COUNT" /
    //                      "SAVE" /
    //                      search-ret-opt-ext                             (RFC 9051 §9)
    mutating func parseSearchArguments() throws(IMAPParseError) -> IMAPSearchCommand {
        var returnOptions: [IMAPSearchCommand.ReturnOption]?
        try expectSpace()
        if consumeKeyword("RETURN") {
            try expectSpace()
            returnOptions = try parseParenthesizedList(allowEmpty: true, what: "SEARCH return options") { (cursor: inout IMAPParseCursor) throws(IMAPParseError) -> IMAPSearchCommand.ReturnOption in
                let name = cursor.parseKeywordToken()
                switch name {
                case "MIN": return .min
                case "MAX": return .max
                case "ALL": return .all
                case "COUNT": return .count
                case "SAVE": return .save
                case "PARTIAL":
                    // todo(rfc): RFC 9394 PARTIAL.
                    throw IMAPParseError(.unsupported, "SEARCH RETURN (PARTIAL) is not supported", offset: cursor.index)
                default:
                    throw IMAPParseError(.syntax, "unknown SEARCH return option \(name)", offset: cursor.index)
                }
            }
            if returnOptions?.isEmpty == true { returnOptions = [.all] }
            try expectSpace()
        }
        var charset: String?
        if consumeKeyword("CHARSET") {
            try expectSpace()
            charset = try parseCharset()
            try expectSpace()
        }
        var keys = [try parseSearchKey()]
        while consume(UInt8(ascii: " ")) {
            guard keys.count < limits.maxListItems else { throw error("too many search keys", .limitExceeded) }
            keys.append(try parseSearchKey())
        }
        return IMAPSearchCommand(returnOptions: returnOptions, charset: charset, key: keys.count == 1 ? keys[0] : .and(keys))
    }
}
