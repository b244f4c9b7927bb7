// LIST with the LIST-EXTENDED selection and return options (RFC 5258, RFC 9051 §6.3.9).

/// A LIST command. A plain `LIST "" "*"` has no options and one pattern.
public struct IMAPListCommand: Sendable, Hashable {
    public enum SelectionOption: Sendable, Hashable {
        case subscribed, remote, recursiveMatch
        /// RFC 6154 §5.
        case specialUse
    }

    public enum ReturnOption: Sendable, Hashable {
        case subscribed, children
        /// RFC 6154 §5.
        case specialUse
        /// RFC 5819.
        case status([IMAPStatusAttribute])
        /// RFC 8440.
        case myRights
    }

    public var selectionOptions: [SelectionOption]
    /// The reference name (decoded like a mailbox name; often empty).
    public var reference: String
    /// One or more patterns with `%` and `*` wildcards.
    public var patterns: [String]
    public var returnOptions: [ReturnOption]

    public init(selectionOptions: [SelectionOption] = [], reference: String, patterns: [String], returnOptions: [ReturnOption] = []) {
        self.selectionOptions = selectionOptions
        self.reference = reference
        self.patterns = patterns
        self.returnOptions = returnOptions
    }
}

extension IMAPParseCursor {
    // list            = "LIST" [SP list-select-opts] SP
    //                   mailbox SP mbox-or-pat
    //                   [SP list-return-opts]
    // mbox-or-pat     = list-mailbox / patterns
    // patterns        = "(" list-mailbox *(SP list-mailbox) ")"          (RFC 9051 §9, RFC 5258 §6)
    mutating func parseListArguments() throws(IMAPParseError) -> IMAPListCommand {
        var selection: [IMAPListCommand.SelectionOption] = []
        if peek() == UInt8(ascii: "(") {
            selection = try parseListSelectOpts()
            try expectSpace()
        }
        let referenceStart = index
        let reference = try decodeMailboxName(try parseAstring("a reference name"), at: referenceStart)
        try expectSpace()
        let patterns: [String]
        if peek() == UInt8(ascii: "(") {
            patterns = try parseParenthesizedList(allowEmpty: false, what: "pattern list") { (cursor: inout IMAPParseCursor) throws(IMAPParseError) in
                try cursor.parseListMailbox()
            }
        } else {
            patterns = [try parseListMailbox()]
        }
        var returnOptions: [IMAPListCommand.ReturnOption] = []
        if consume(UInt8(ascii: " ")) {
            guard consumeKeyword("RETURN") else { throw error("expected RETURN after the LIST pattern") }
            try expectSpace()
            returnOptions = try parseListReturnOpts()
        }
        return IMAPListCommand(selectionOptions: selection, reference: reference, patterns: patterns, returnOptions: returnOptions)
    }

    // list-select-opts =  "(" [
    //                    (*(list-select-opt SP) list-select-base-opt
    //                    *(SP list-select-opt))
    //                   / (list-select-independent-opt
    //                    *(SP list-select-independent-opt))
    //                      ] ")"                                         (RFC 9051 §9)
    mutating func parseListSelectOpts() throws(IMAPParseError) -> [IMAPListCommand.SelectionOption] {
        let start = index
        let options = try parseParenthesizedList(allowEmpty: true, what: "LIST selection options") { (cursor: inout IMAPParseCursor) throws(IMAPParseError) -> IMAPListCommand.SelectionOption in
            let name = cursor.parseKeywordToken()
            switch name {
            case "SUBSCRIBED": return .subscribed
            case "REMOTE": return .remote
            case "RECURSIVEMATCH": return .recursiveMatch
            case "SPECIAL-USE": return .specialUse
            default: throw IMAPParseError(.syntax, "unknown LIST selection option \(name)", offset: cursor.index)
            }
        }
        // "If a list-select-mod-opt appears, then a list-select-base-opt must also appear."
        if options.contains(.recursiveMatch), !options.contains(.subscribed), !options.contains(.specialUse) {
            throw IMAPParseError(.syntax, "RECURSIVEMATCH needs SUBSCRIBED or SPECIAL-USE", offset: start)
        }
        return options
    }

    // list-return-opts =  "RETURN" SP
    //             "(" [list-return-opt *(SP list-return-opt)] ")"
    // return-option   = "SUBSCRIBED" / "CHILDREN" / status-option /
    //                    option-extension                                (RFC 9051 §9)
    mutating func parseListReturnOpts() throws(IMAPParseError) -> [IMAPListCommand.ReturnOption] {
        try parseParenthesizedList(allowEmpty: true, what: "LIST return options") { (cursor: inout IMAPParseCursor) throws(IMAPParseError) -> IMAPListCommand.ReturnOption in
            let name = cursor.parseKeywordToken()
            switch name {
            case "SUBSCRIBED": return .subscribed
            case "CHILDREN": return .children
            case "SPECIAL-USE": return .specialUse
            case "MYRIGHTS": return .myRights
            case "STATUS":
                // status-option = "STATUS" SP "(" status-att *(SP status-att) ")"
                try cursor.expectSpace()
                return .status(try cursor.parseStatusAttList())
            default: throw IMAPParseError(.syntax, "unknown LIST return option \(name)", offset: cursor.index)
            }
        }
    }
}
