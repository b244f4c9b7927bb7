// SORT arguments: sort criteria, charset and search criteria (RFC 5256 §3, RFC 5957).

/// A parsed SORT (or UID SORT): the search it sorts and the order to sort in. Public because
/// the parser hands it to the session and tests build it directly.
public struct IMAPSortCommand: Sendable, Hashable {
    /// At least one criterion, in priority order.
    public var criteria: [IMAPSortCriterion]
    /// Mandatory for SORT (RFC 5256 §3), unlike SEARCH.
    public var charset: String
    /// All criteria ANDed (a single key when only one was given).
    public var key: IMAPSearchKey

    public init(criteria: [IMAPSortCriterion], charset: String, key: IMAPSearchKey) {
        self.criteria = criteria
        self.charset = charset
        self.key = key
    }
}

/// One `[REVERSE] sort-key` (RFC 5256 §5); `reverse` flips this criterion only.
public struct IMAPSortCriterion: Sendable, Hashable {
    public var key: IMAPSortKey
    public var reverse: Bool

    public init(_ key: IMAPSortKey, reverse: Bool = false) {
        self.key = key
        self.reverse = reverse
    }
}

/// sort-key (RFC 5256 §5) and the SORT=DISPLAY keys (RFC 5957 §5).
public enum IMAPSortKey: String, Sendable, Hashable, CaseIterable {
    case arrival = "ARRIVAL", cc = "CC", date = "DATE", from = "FROM", size = "SIZE", subject = "SUBJECT", to = "TO"
    case displayFrom = "DISPLAYFROM", displayTo = "DISPLAYTO"
}

extension IMAPParseCursor {
    // sort            = ["UID" SP] "SORT" SP sort-criteria SP search-criteria
    // sort-criteria   = "(" sort-criterion *(SP sort-criterion) ")"
    // sort-criterion  = ["REVERSE" SP] sort-key
    // search-criteria = charset 1*(SP search-key)                        (RFC 5256 §5)
    // sort-key        =/ "DISPLAYFROM" / "DISPLAYTO"                       (RFC 5957 §5)
    // todo(rfc): RFC 5267 §3.2 ESORT (SORT RETURN (...)) is not parsed.
    mutating func parseSortArguments() throws(IMAPParseError) -> IMAPSortCommand {
        try expectSpace()
        let criteria = try parseParenthesizedList(allowEmpty: false, what: "sort criteria") { (cursor: inout IMAPParseCursor) throws(IMAPParseError) -> IMAPSortCriterion in
            var reverse = false
            if cursor.consumeKeyword("REVERSE") {
                try cursor.expectSpace()
                reverse = true
            }
            let name = cursor.parseKeywordToken()
            guard let key = IMAPSortKey(rawValue: name) else {
                throw IMAPParseError(.syntax, "unknown sort key \(name)", offset: cursor.index)
            }
            return IMAPSortCriterion(key, reverse: reverse)
        }
        guard criteria.count <= IMAPSortKey.allCases.count * 2 else { throw error("too many sort criteria", .limitExceeded) }
        try expectSpace()
        let (charset, key) = try parseSearchCriteria()
        return IMAPSortCommand(criteria: criteria, charset: charset, key: key)
    }

    // search-criteria = charset 1*(SP search-key)                        (RFC 5256 §5)
    mutating func parseSearchCriteria() throws(IMAPParseError) -> (String, IMAPSearchKey) {
        let charset = try parseCharset()
        var keys: [IMAPSearchKey] = []
        while consume(UInt8(ascii: " ")) {
            guard keys.count < limits.maxListItems else { throw error("too many search keys", .limitExceeded) }
            keys.append(try parseSearchKey())
        }
        guard let first = keys.first else { throw error("expected search criteria after the charset") }
        return (charset, keys.count == 1 ? first : .and(keys))
    }
}
