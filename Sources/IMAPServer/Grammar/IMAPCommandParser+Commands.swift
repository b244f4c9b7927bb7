// The argument grammar of each command, dispatched on the command name.

extension IMAPParseCursor {
    mutating func parseCommandKind() throws(IMAPParseError) -> IMAPCommandKind {
        let start = index
        let name = parseKeywordToken()
        if name.isEmpty { throw invalidCharacterError(expected: "a command name") }
        switch name {
        // command-any     = "CAPABILITY" / "LOGOUT" / "NOOP"              (RFC 9051 §9)
        case "CAPABILITY": return .capability
        case "LOGOUT": return .logout
        case "NOOP": return .noop
        case "ID": try expectSpace(); return .id(try parseIDParamsList())
        // command-nonauth = login / authenticate / "STARTTLS"
        case "STARTTLS": return .startTLS
        case "AUTHENTICATE": return try parseAuthenticate()
        case "LOGIN": return try parseLogin()
        // command-auth
        case "ENABLE": return try parseEnable()
        case "SELECT", "EXAMINE":
            // select          = "SELECT" SP mailbox [select-params]
            // examine         = "EXAMINE" SP mailbox [select-params]      (RFC 4466 §2.1)
            try expectSpace()
            let mailbox = try parseMailbox()
            var parameters = IMAPSelectParameters()
            if consume(UInt8(ascii: " ")) { parameters = try parseSelectParams() }
            return name == "SELECT" ? .select(mailbox, parameters) : .examine(mailbox, parameters)
        case "CREATE": return try parseCreate()
        case "DELETE": try expectSpace(); return .delete(try parseMailbox())
        case "RENAME":
            // rename          = "RENAME" SP mailbox SP mailbox            (RFC 9051 §9)
            try expectSpace()
            let from = try parseMailbox()
            try expectSpace()
            return .rename(from: from, to: try parseMailbox())
        case "SUBSCRIBE": try expectSpace(); return .subscribe(try parseMailbox())
        case "UNSUBSCRIBE": try expectSpace(); return .unsubscribe(try parseMailbox())
        case "LIST": try expectSpace(); return .list(try parseListArguments())
        case "LSUB":
            // lsub            = "LSUB" SP mailbox SP list-mailbox         (RFC 3501 §9)
            try expectSpace()
            let referenceStart = index
            let reference = try decodeMailboxName(try parseAstring("a reference name"), at: referenceStart)
            try expectSpace()
            return .lsub(reference: reference, pattern: try parseListMailbox())
        case "NAMESPACE": return .namespace
        case "STATUS":
            // status          = "STATUS" SP mailbox SP
            //                   "(" status-att *(SP status-att) ")"        (RFC 9051 §9)
            try expectSpace()
            let mailbox = try parseMailbox()
            try expectSpace()
            return .status(mailbox, try parseStatusAttList())
        case "APPEND":
            try expectSpace()
            let mailbox = try parseMailbox()
            return .append(mailbox, try parseAppendMessages())
        // idle            = "IDLE" CRLF "DONE"                            (RFC 9051 §9)
        case "IDLE": return .idle
        // command-select  = "CLOSE" / "UNSELECT" / "EXPUNGE" / copy /
        //                    move / fetch / store / search / uid           (RFC 9051 §9)
        case "CHECK": return .check
        case "CLOSE": return .close
        case "UNSELECT": return .unselect
        case "EXPUNGE": return .expunge
        case "SEARCH": return .search(try parseSearchArguments())
        case "SORT": return .sort(try parseSortArguments())
        case "THREAD": return .thread(try parseThreadArguments())
        case "FETCH":
            let (set, attributes, modifiers) = try parseFetchArguments()
            return .fetch(set, attributes, modifiers: modifiers)
        case "STORE":
            let (set, flags, unchangedSince) = try parseStoreArguments()
            return .store(set, flags, unchangedSince: unchangedSince)
        case "COPY":
            let (set, mailbox) = try parseSetAndMailbox()
            return .copy(set, mailbox)
        case "MOVE":
            let (set, mailbox) = try parseSetAndMailbox()
            return .move(set, mailbox)
        case "UID": return try parseUID()
        // Extensions: cheap ones parsed, the rest named clearly.
        case "GETQUOTA":
            // getquota        = "GETQUOTA" SP quota-root-name              (RFC 9208 §7)
            try expectSpace()
            return .getQuota(try parseAstringText("a quota root"))
        case "GETQUOTAROOT":
            // getquotaroot    = "GETQUOTAROOT" SP mailbox                  (RFC 9208 §7)
            try expectSpace()
            return .getQuotaRoot(try parseMailbox())
        case "SETQUOTA":
            // setquota        = "SETQUOTA" SP quota-root-name SP setquota-list
            // setquota-list   = "(" [setquota-resource *(SP setquota-resource)] ")"
            // setquota-resource = resource-name SP resource-limit             (RFC 9208 §7)
            try expectSpace()
            let root = try parseAstringText("a quota root")
            try expectSpace()
            let limits = try parseParenthesizedList(allowEmpty: true, what: "quota limits") { (cursor: inout IMAPParseCursor) throws(IMAPParseError) -> IMAPQuotaLimit in
                let name = try cursor.parseAtom("a resource name").uppercased()
                try cursor.expectSpace()
                return IMAPQuotaLimit(name, limit: try cursor.parseNumber64())
            }
            return .setQuota(root, limits)
        case "COMPRESS":
            // compress        = "COMPRESS" SP algorithm                    (RFC 4978 §4)
            try expectSpace()
            return .compress(try parseAtom("a compression algorithm").uppercased())
        case "UNAUTHENTICATE": return .unauthenticate
        case "REPLACE":
            let (number, mailbox, message) = try parseReplaceArguments()
            return .replace(number, mailbox, message)
        case "NOTIFY": return .notify(try parseNotify())
        case "GETMETADATA", "SETMETADATA",
             "GETACL", "SETACL", "DELETEACL", "LISTRIGHTS", "MYRIGHTS", "ESEARCH", "UIDBATCHES":
            // todo(rfc): RFC 5464 METADATA, RFC 4314 ACL, RFC 7377 MULTISEARCH.
            throw IMAPParseError(.unsupported, "\(name) is not supported", offset: start)
        default:
            throw IMAPParseError(.unknownCommand, "unknown command", offset: start)
        }
    }

    // uid             = "UID" SP
    //                   (copy / move / fetch / search / store /
    //                    uid-expunge)
    // uid-expunge     = "EXPUNGE" SP sequence-set                        (RFC 9051 §9)
    mutating func parseUID() throws(IMAPParseError) -> IMAPCommandKind {
        try expectSpace()
        let start = index
        let name = parseKeywordToken()
        switch name {
        case "FETCH":
            let (set, attributes, modifiers) = try parseFetchArguments()
            return .uidFetch(set, attributes, modifiers: modifiers)
        case "STORE":
            let (set, flags, unchangedSince) = try parseStoreArguments()
            return .uidStore(set, flags, unchangedSince: unchangedSince)
        case "COPY":
            let (set, mailbox) = try parseSetAndMailbox()
            return .uidCopy(set, mailbox)
        case "MOVE":
            let (set, mailbox) = try parseSetAndMailbox()
            return .uidMove(set, mailbox)
        case "SEARCH": return .uidSearch(try parseSearchArguments())
        case "REPLACE":
            let (uid, mailbox, message) = try parseReplaceArguments()
            return .uidReplace(uid, mailbox, message)
        case "EXPUNGE":
            try expectSpace()
            return .uidExpunge(try parseSequenceSet())
        case "SORT": return .uidSort(try parseSortArguments())
        case "THREAD": return .uidThread(try parseThreadArguments())
        default:
            throw IMAPParseError(.syntax, "UID must be followed by COPY, MOVE, FETCH, SEARCH, SORT, THREAD, STORE, EXPUNGE or REPLACE", offset: start)
        }
    }

    // fetch           = "FETCH" SP sequence-set SP ( ... ) [fetch-modifiers]   (RFC 9051 §9, RFC 4466 §2.4)
    mutating func parseFetchArguments() throws(IMAPParseError) -> (IMAPSequenceSet, [IMAPFetchAttribute], [IMAPFetchModifier]) {
        try expectSpace()
        let set = try parseSequenceSet()
        try expectSpace()
        let attributes = try parseFetchAttributes()
        var modifiers: [IMAPFetchModifier] = []
        if consume(UInt8(ascii: " ")) { modifiers = try parseFetchModifiers() }
        return (set, attributes, modifiers)
    }

    // store           = "STORE" SP sequence-set [store-modifiers] SP store-att-flags
    // store-modifiers = SP "(" store-modifier *(SP store-modifier) ")"   (RFC 4466 §2.5)
    // store-modifier  =/ "UNCHANGEDSINCE" SP mod-sequence-valzer          (RFC 7162 §7)
    mutating func parseStoreArguments() throws(IMAPParseError) -> (IMAPSequenceSet, IMAPStoreFlags, UInt64?) {
        try expectSpace()
        let set = try parseSequenceSet()
        try expectSpace()
        var unchangedSince: UInt64?
        if peek() == UInt8(ascii: "(") {
            _ = try parseParenthesizedList(allowEmpty: false, what: "store modifiers") { (cursor: inout IMAPParseCursor) throws(IMAPParseError) in
                let name = cursor.parseKeywordToken()
                guard name == "UNCHANGEDSINCE" else {
                    throw IMAPParseError(.unsupported, "unknown STORE modifier \(name)", offset: cursor.index)
                }
                try cursor.expectSpace()
                unchangedSince = try cursor.parseNumber64()
            }
            try expectSpace()
        }
        return (set, try parseStoreAttFlags(), unchangedSince)
    }

    // copy            = "COPY" SP sequence-set SP mailbox
    // move            = "MOVE" SP sequence-set SP mailbox                (RFC 9051 §9)
    mutating func parseSetAndMailbox() throws(IMAPParseError) -> (IMAPSequenceSet, IMAPMailboxName) {
        try expectSpace()
        let set = try parseSequenceSet()
        try expectSpace()
        return (set, try parseMailbox())
    }

    // authenticate    = "AUTHENTICATE" SP auth-type [SP initial-resp]
    // auth-type       = atom
    // initial-resp    =  (base64 / "=")                                  (RFC 9051 §9, RFC 4959 §7)
    mutating func parseAuthenticate() throws(IMAPParseError) -> IMAPCommandKind {
        try expectSpace()
        let mechanism = try parseAtom("a SASL mechanism name").uppercased()
        guard consume(UInt8(ascii: " ")) else { return .authenticate(mechanism: mechanism, initialResponse: nil) }
        if consume(UInt8(ascii: "=")) {
            guard isAtEnd else { throw error("\"=\" must be the whole initial response") }
            return .authenticate(mechanism: mechanism, initialResponse: [])
        }
        let start = index
        while let byte = peek(), byte != UInt8(ascii: " ") { index += 1 }
        guard let decoded = IMAPBase64.decode(bytes[start..<index]), !decoded.isEmpty else {
            throw IMAPParseError(.syntax, "invalid base64 in the initial response", offset: start)
        }
        return .authenticate(mechanism: mechanism, initialResponse: decoded)
    }

    // login           = "LOGIN" SP userid SP password
    // userid          = astring
    // password        = astring                                          (RFC 9051 §9)
    mutating func parseLogin() throws(IMAPParseError) -> IMAPCommandKind {
        try expectSpace()
        let username = try parseAstringText("a user name")
        try expectSpace()
        return .login(username: username, password: try parseAstring("a password"))
    }

    // enable          = "ENABLE" 1*(SP capability)
    // capability      = ("AUTH=" auth-type) / atom                       (RFC 9051 §9)
    mutating func parseEnable() throws(IMAPParseError) -> IMAPCommandKind {
        var capabilities: [String] = []
        repeat {
            try expectSpace()
            guard capabilities.count < limits.maxListItems else { throw error("too many capabilities", .limitExceeded) }
            capabilities.append(try parseAtom("a capability name"))
        } while !isAtEnd
        return .enable(capabilities)
    }

    // create          = "CREATE" SP mailbox [create-params]
    // create-params   = SP "(" create-param *( SP create-param) ")"      (RFC 4466 §2.2)
    // create-param    =/ "USE" SP "(" [use-attr *(SP use-attr)] ")"
    // use-attr        = "\All" / "\Archive" / "\Drafts" / "\Flagged" /
    //                   "\Junk" / "\Sent" / "\Trash" / use-attr-ext      (RFC 6154 §6)
    mutating func parseCreate() throws(IMAPParseError) -> IMAPCommandKind {
        try expectSpace()
        let mailbox = try parseMailbox()
        var specialUse: [String] = []
        if consume(UInt8(ascii: " ")) {
            _ = try parseParenthesizedList(allowEmpty: false, what: "CREATE parameters") { (cursor: inout IMAPParseCursor) throws(IMAPParseError) in
                let name = cursor.parseKeywordToken()
                guard name == "USE" else {
                    throw IMAPParseError(.unsupported, "unknown CREATE parameter \(name)", offset: cursor.index)
                }
                try cursor.expectSpace()
                specialUse = try cursor.parseParenthesizedList(allowEmpty: true, what: "USE attributes") { (inner: inout IMAPParseCursor) throws(IMAPParseError) -> String in
                    try inner.expect(UInt8(ascii: "\\"), "a special-use attribute such as \\Sent")
                    return try inner.parseAtom("a special-use attribute")
                }
            }
        }
        return .create(mailbox, specialUse: specialUse)
    }

    // id              = "ID" SP id-params-list
    // id-params-list  = "(" #(string SP nstring) ")" / nil               (RFC 2971 §4)
    // RFC 2971 §3.3: at most 30 pairs, fields at most 30 octets, values at most 1024.
    mutating func parseIDParamsList() throws(IMAPParseError) -> [IMAPIDParameter]? {
        if consumeKeyword("NIL") { return nil }
        try expect(UInt8(ascii: "("), "\"(\" or NIL")
        var parameters: [IMAPIDParameter] = []
        if consume(UInt8(ascii: ")")) { return parameters }
        while true {
            guard parameters.count < 30 else { throw error("more than 30 ID fields", .limitExceeded) }
            let field = try parseString("an ID field name")
            try expectSpace()
            let value = try parseNString()
            guard field.count <= 30, (value?.count ?? 0) <= 1024 else { throw error("ID field or value too long", .limitExceeded) }
            parameters.append(IMAPIDParameter(String(decoding: field, as: UTF8.self), value.map { String(decoding: $0, as: UTF8.self) }))
            if consume(UInt8(ascii: ")")) { return parameters }
            try expectSpace()
        }
    }
}
