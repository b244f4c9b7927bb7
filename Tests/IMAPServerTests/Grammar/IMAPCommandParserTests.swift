import Testing
@testable import IMAPServer

/// Parser fixtures: the example command lines of RFC 9051 §6 and RFC 3501 §6 and of the
/// extension RFCs, each with the value it must parse to.
@Suite struct IMAPCommandParserTests {
    static func parse(_ text: String, _ encoding: IMAPMailboxEncoding = .modifiedUTF7) -> Result<IMAPCommand, IMAPParseError> {
        do throws(IMAPParseError) {
            return .success(try IMAPCommandParser.parse(IMAPCommandFrame(text), options: .init(mailboxEncoding: encoding)))
        } catch {
            return .failure(error)
        }
    }

    static func box(_ name: String) -> IMAPMailboxName { IMAPMailboxName(name) }
    static let r = IMAPSequenceSet.range
    static let one = IMAPSequenceSet.single

    static let anyState: [(String, IMAPCommand)] = [
        ("abcd CAPABILITY", IMAPCommand(tag: "abcd", .capability)),
        ("a002 NOOP", IMAPCommand(tag: "a002", .noop)),
        ("A023 LOGOUT", IMAPCommand(tag: "A023", .logout)),
        ("a1 capability", IMAPCommand(tag: "a1", .capability)),
        ("a023 ID (\"name\" \"sodr\" \"version\" \"19.34\" \"vendor\" \"Pink Floyd Music Limited\")",
         IMAPCommand(tag: "a023", .id([.init("name", "sodr"), .init("version", "19.34"), .init("vendor", "Pink Floyd Music Limited")]))),
        ("a ID NIL", IMAPCommand(tag: "a", .id(nil))),
        ("a ID (\"name\" NIL)", IMAPCommand(tag: "a", .id([.init("name", nil)]))),
        ("a ID ()", IMAPCommand(tag: "a", .id([]))),
    ]

    static let notAuthenticated: [(String, IMAPCommand)] = [
        ("a002 STARTTLS", IMAPCommand(tag: "a002", .startTLS)),
        ("A001 AUTHENTICATE GSSAPI", IMAPCommand(tag: "A001", .authenticate(mechanism: "GSSAPI", initialResponse: nil))),
        ("A01 AUTHENTICATE EXTERNAL =", IMAPCommand(tag: "A01", .authenticate(mechanism: "EXTERNAL", initialResponse: []))),
        ("A03 AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=",
         IMAPCommand(tag: "A03", .authenticate(mechanism: "PLAIN", initialResponse: Array("test\0test\0test".utf8)))),
        ("a authenticate plain", IMAPCommand(tag: "a", .authenticate(mechanism: "PLAIN", initialResponse: nil))),
        ("a001 LOGIN SMITH SESAME", IMAPCommand(tag: "a001", .login(username: "SMITH", password: Array("SESAME".utf8)))),
        ("a004 LOGIN joe password", IMAPCommand(tag: "a004", .login(username: "joe", password: Array("password".utf8)))),
        ("a LOGIN \"fred\" \"pa\\\"ss\\\\\"", IMAPCommand(tag: "a", .login(username: "fred", password: Array("pa\"ss\\".utf8)))),
        ("a LOGIN {4}\r\nfred {5+}\r\np w d", IMAPCommand(tag: "a", .login(username: "fred", password: Array("p w d".utf8)))),
        ("a LOGIN fr]ed pw", IMAPCommand(tag: "a", .login(username: "fr]ed", password: Array("pw".utf8)))),
    ]

    static let authenticated: [(String, IMAPCommand)] = [
        ("a1 ENABLE CONDSTORE", IMAPCommand(tag: "a1", .enable(["CONDSTORE"]))),
        ("t2 ENABLE CONDSTORE X-GOOD-IDEA", IMAPCommand(tag: "t2", .enable(["CONDSTORE", "X-GOOD-IDEA"]))),
        ("a ENABLE IMAP4rev2 UTF8=ACCEPT", IMAPCommand(tag: "a", .enable(["IMAP4rev2", "UTF8=ACCEPT"]))),
        ("A142 SELECT INBOX", IMAPCommand(tag: "A142", .select(.inbox, IMAPSelectParameters()))),
        ("A142 SELECT inbox", IMAPCommand(tag: "A142", .select(.inbox, IMAPSelectParameters()))),
        ("A142 SELECT \"InBoX\"", IMAPCommand(tag: "A142", .select(.inbox, IMAPSelectParameters()))),
        ("A143 SELECT Drafts", IMAPCommand(tag: "A143", .select(box("Drafts"), IMAPSelectParameters()))),
        ("A932 EXAMINE blurdybloop", IMAPCommand(tag: "A932", .examine(box("blurdybloop"), IMAPSelectParameters()))),
        ("a SELECT INBOX (CONDSTORE)", IMAPCommand(tag: "a", .select(.inbox, IMAPSelectParameters(condStore: true)))),
        ("A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))",
         IMAPCommand(tag: "A02", .select(.inbox, IMAPSelectParameters(qresync: .init(
            uidValidity: 67890007, modSequence: 20050715194045000,
            knownUIDs: .ranges([.init(.number(41)), .init(.number(43), .number(211)), .init(.number(214), .number(541))])))))),
        ("B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500,9000,9990:9999 15000,22500,27000,29970,29973,29976,29979,29982,29985,29988,29991,29994,29997)))",
         IMAPCommand(tag: "B04", .select(.inbox, IMAPSelectParameters(qresync: .init(
            uidValidity: 67890007, modSequence: 90060115194045000, knownUIDs: r(1, 29997),
            sequenceMatch: .init(
                sequenceNumbers: .ranges([.init(.number(5000)), .init(.number(7500)), .init(.number(9000)), .init(.number(9990), .number(9999))]),
                uids: .ranges(([15000, 22500, 27000, 29970, 29973, 29976, 29979, 29982, 29985, 29988, 29991, 29994, 29997] as [UInt32]).map { IMAPSequenceSet.Range(.number($0)) }))))))),
        ("A003 CREATE owatagusiam/", IMAPCommand(tag: "A003", .create(box("owatagusiam/"), specialUse: []))),
        ("A004 CREATE owatagusiam/blurdybloop", IMAPCommand(tag: "A004", .create(box("owatagusiam/blurdybloop"), specialUse: []))),
        ("A002 CREATE \"INBOX.Sent Mail\"", IMAPCommand(tag: "A002", .create(box("INBOX.Sent Mail"), specialUse: []))),
        ("t2 CREATE MySpecial (USE (\\Drafts \\Sent))", IMAPCommand(tag: "t2", .create(box("MySpecial"), specialUse: ["Drafts", "Sent"]))),
        ("t3 CREATE Everything (USE (\\All))", IMAPCommand(tag: "t3", .create(box("Everything"), specialUse: ["All"]))),
        ("A683 DELETE blurdybloop", IMAPCommand(tag: "A683", .delete(box("blurdybloop")))),
        ("A685 DELETE foo/bar", IMAPCommand(tag: "A685", .delete(box("foo/bar")))),
        ("A683 RENAME blurdybloop sarasoop", IMAPCommand(tag: "A683", .rename(from: box("blurdybloop"), to: box("sarasoop")))),
        ("Z433 RENAME INBOX old-mail", IMAPCommand(tag: "Z433", .rename(from: .inbox, to: box("old-mail")))),
        ("A002 SUBSCRIBE #news.comp.mail.mime", IMAPCommand(tag: "A002", .subscribe(box("#news.comp.mail.mime")))),
        ("A002 UNSUBSCRIBE #news.comp.mail.mime", IMAPCommand(tag: "A002", .unsubscribe(box("#news.comp.mail.mime")))),
        ("A101 LIST \"\" \"\"", IMAPCommand(tag: "A101", .list(IMAPListCommand(reference: "", patterns: [""])))),
        ("A102 LIST #news.comp.mail.misc \"\"", IMAPCommand(tag: "A102", .list(IMAPListCommand(reference: "#news.comp.mail.misc", patterns: [""])))),
        ("A103 LIST /usr/staff/jones \"\"", IMAPCommand(tag: "A103", .list(IMAPListCommand(reference: "/usr/staff/jones", patterns: [""])))),
        ("A202 LIST ~/Mail/ %", IMAPCommand(tag: "A202", .list(IMAPListCommand(reference: "~/Mail/", patterns: ["%"])))),
        ("A682 LIST \"\" *", IMAPCommand(tag: "A682", .list(IMAPListCommand(reference: "", patterns: ["*"])))),
        ("A002 LIST (SPECIAL-USE) \"\" \"*\"", IMAPCommand(tag: "A002", .list(IMAPListCommand(selectionOptions: [.specialUse], reference: "", patterns: ["*"])))),
        ("A01 LIST \"\" % RETURN (STATUS (MESSAGES UNSEEN))",
         IMAPCommand(tag: "A01", .list(IMAPListCommand(reference: "", patterns: ["%"], returnOptions: [.status([.messages, .unseen])])))),
        ("A02 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" % RETURN (STATUS (MESSAGES))",
         IMAPCommand(tag: "A02", .list(IMAPListCommand(selectionOptions: [.subscribed, .recursiveMatch], reference: "", patterns: ["%"], returnOptions: [.status([.messages])])))),
        ("A03 LIST () \"\" \"%\" RETURN (CHILDREN)", IMAPCommand(tag: "A03", .list(IMAPListCommand(reference: "", patterns: ["%"], returnOptions: [.children])))),
        ("A05 LIST (REMOTE SUBSCRIBED) \"\" \"*\"", IMAPCommand(tag: "A05", .list(IMAPListCommand(selectionOptions: [.remote, .subscribed], reference: "", patterns: ["*"])))),
        ("A06 LIST (REMOTE) \"\" \"*\" RETURN (SUBSCRIBED)", IMAPCommand(tag: "A06", .list(IMAPListCommand(selectionOptions: [.remote], reference: "", patterns: ["*"], returnOptions: [.subscribed])))),
        ("a3.1 LIST \"\" (% music/rock)", IMAPCommand(tag: "a3.1", .list(IMAPListCommand(reference: "", patterns: ["%", "music/rock"])))),
        ("a1 LIST \"\" (\"foo\")", IMAPCommand(tag: "a1", .list(IMAPListCommand(reference: "", patterns: ["foo"])))),
        ("a LIST \"\" * RETURN (SPECIAL-USE MYRIGHTS)", IMAPCommand(tag: "a", .list(IMAPListCommand(reference: "", patterns: ["*"], returnOptions: [.specialUse, .myRights])))),
        ("A003 LSUB \"#news.\" \"comp.%\"", IMAPCommand(tag: "A003", .lsub(reference: "#news.", pattern: "comp.%"))),
        ("A001 NAMESPACE", IMAPCommand(tag: "A001", .namespace)),
        ("A042 STATUS blurdybloop (UIDNEXT MESSAGES)", IMAPCommand(tag: "A042", .status(box("blurdybloop"), [.uidNext, .messages]))),
        ("a STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE RECENT HIGHESTMODSEQ APPENDLIMIT MAILBOXID)",
         IMAPCommand(tag: "a", .status(.inbox, [.messages, .uidNext, .uidValidity, .unseen, .deleted, .size, .recent, .highestModSeq, .appendLimit, .mailboxID]))),
        ("A003 APPEND saved-messages (\\Seen) {5}\r\nHello",
         IMAPCommand(tag: "A003", .append(box("saved-messages"), [IMAPAppendMessage(flags: [.seen], data: .bytes(Array("Hello".utf8)))]))),
        ("A003 APPEND saved-messages (\\Seen) {5+}\r\nHello",
         IMAPCommand(tag: "A003", .append(box("saved-messages"), [IMAPAppendMessage(flags: [.seen], data: .bytes(Array("Hello".utf8)))]))),
        ("a APPEND INBOX \"17-Jul-1996 02:44:25 -0700\" {2}\r\nhi",
         IMAPCommand(tag: "a", .append(.inbox, [IMAPAppendMessage(internalDate: dateTime(1996, 7, 17, 2, 44, 25, -420), data: .bytes(Array("hi".utf8)))]))),
        ("a APPEND INBOX () \" 7-Jul-1996 02:44:25 +0130\" ~{3}\r\na\0b",
         IMAPCommand(tag: "a", .append(.inbox, [IMAPAppendMessage(internalDate: dateTime(1996, 7, 7, 2, 44, 25, 90), data: .bytes([97, 0, 98]), isBinary: true)]))),
        // RFC 3502 §6.3.11 MULTIAPPEND.
        ("A003 APPEND saved-messages (\\Seen) {3}\r\none (\\Seen $Forwarded) {3}\r\ntwo",
         IMAPCommand(tag: "A003", .append(box("saved-messages"), [
            IMAPAppendMessage(flags: [.seen], data: .bytes(Array("one".utf8))),
            IMAPAppendMessage(flags: [.seen, .keyword("$Forwarded")], data: .bytes(Array("two".utf8))),
         ]))),
        ("A002 IDLE", IMAPCommand(tag: "A002", .idle)),
    ]

    static let selected: [(String, IMAPCommand)] = [
        ("FXXZ CHECK", IMAPCommand(tag: "FXXZ", .check)),
        ("A341 CLOSE", IMAPCommand(tag: "A341", .close)),
        ("A342 UNSELECT", IMAPCommand(tag: "A342", .unselect)),
        ("A202 EXPUNGE", IMAPCommand(tag: "A202", .expunge)),
        ("A003 UID EXPUNGE 3000:3002", IMAPCommand(tag: "A003", .uidExpunge(r(3000, 3002)))),
        ("A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"",
         IMAPCommand(tag: "A282", .search(IMAPSearchCommand(key: .and([.flagged, .since(date(1994, 2, 1)), .not(.from("Smith"))]))))),
        ("A284 SEARCH TEXT \"string not in mailbox\"", IMAPCommand(tag: "A284", .search(IMAPSearchCommand(key: .text("string not in mailbox"))))),
        ("A285 SEARCH CHARSET UTF-8 TEXT {8}\r\nмать",
         IMAPCommand(tag: "A285", .search(IMAPSearchCommand(charset: "UTF-8", key: .text("мать").self)))),
        ("A282 SEARCH RETURN (MIN COUNT) FLAGGED", IMAPCommand(tag: "A282", .search(IMAPSearchCommand(returnOptions: [.min, .count], key: .flagged)))),
        ("A283 SEARCH RETURN () FLAGGED", IMAPCommand(tag: "A283", .search(IMAPSearchCommand(returnOptions: [.all], key: .flagged)))),
        ("A285 UID SEARCH RETURN (MIN MAX) 1:5000", IMAPCommand(tag: "A285", .uidSearch(IMAPSearchCommand(returnOptions: [.min, .max], key: .sequenceNumbers(r(1, 5000)))))),
        ("A301 UID SEARCH UID $ SMALLER 4096", IMAPCommand(tag: "A301", .uidSearch(IMAPSearchCommand(key: .and([.uid(.lastCommand), .smaller(4096)]))))),
        ("C283 SEARCH RETURN (ALL SAVE) SINCE 12-Feb-2006", IMAPCommand(tag: "C283", .search(IMAPSearchCommand(returnOptions: [.all, .save], key: .since(date(2006, 2, 12)))))),
        ("P283 SEARCH CHARSET UTF-8 (OR $ 1,3000:3021) TEXT {8+}\r\nмать",
         IMAPCommand(tag: "P283", .search(IMAPSearchCommand(charset: "UTF-8", key: .and([
            .or(.sequenceNumbers(.lastCommand), .sequenceNumbers(.ranges([.init(.number(1)), .init(.number(3000), .number(3021))]))),
            .text("мать")]))))),
        ("F282 SEARCH RETURN (SAVE) KEYWORD $Junk", IMAPCommand(tag: "F282", .search(IMAPSearchCommand(returnOptions: [.save], key: .keyword("$Junk"))))),
        ("a SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338", IMAPCommand(tag: "a", .search(IMAPSearchCommand(key: .modSequence(.init(flag: .draft, entryType: .all, value: 620162338)))))),
        ("a SEARCH OR NOT MODSEQ 720162338 LARGER 50000", IMAPCommand(tag: "a", .search(IMAPSearchCommand(key: .or(.not(.modSequence(.init(value: 720162338))), .larger(50000)))))),
        ("a SEARCH (SEEN (DELETED UNDRAFT)) 2:* HEADER Message-ID \"<x@y>\" BCC b CC c TO d SUBJECT e BODY f",
         IMAPCommand(tag: "a", .search(IMAPSearchCommand(key: .and([
            .and([.seen, .and([.deleted, .undraft])]), .sequenceNumbers(.ranges([.init(.number(2), .last)])),
            .header(field: "Message-ID", value: "<x@y>"), .bcc("b"), .cc("c"), .to("d"), .subject("e"), .body("f")]))))),
        ("a SEARCH ANSWERED UNANSWERED DRAFT UNDELETED UNFLAGGED UNSEEN UNKEYWORD x NEW OLD RECENT ALL",
         IMAPCommand(tag: "a", .search(IMAPSearchCommand(key: .and([.answered, .unanswered, .draft, .undeleted, .unflagged, .unseen, .unkeyword("x"), .new, .old, .recent, .all]))))),
        ("a SEARCH BEFORE \"1-Jan-2000\" ON 29-Feb-2000 SENTBEFORE 1-Jan-2000 SENTON 1-Jan-2000 SENTSINCE 1-Jan-2000 SMALLER 10",
         IMAPCommand(tag: "a", .search(IMAPSearchCommand(key: .and([.before(date(2000, 1, 1)), .on(date(2000, 2, 29)), .sentBefore(date(2000, 1, 1)), .sentOn(date(2000, 1, 1)), .sentSince(date(2000, 1, 1)), .smaller(10)]))))),
        ("a SEARCH YOUNGER 3600 OLDER 60 EMAILID M6d99ac3275bb4e THREADID T64b478a75b7ea9 SAVEDSINCE 1-Jan-2020 SAVEDATESUPPORTED",
         IMAPCommand(tag: "a", .search(IMAPSearchCommand(key: .and([.younger(3600), .older(60), .emailID("M6d99ac3275bb4e"), .threadID("T64b478a75b7ea9"), .savedSince(date(2020, 1, 1)), .savedDateSupported]))))),
        ("A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])",
         IMAPCommand(tag: "A654", .fetch(r(2, 4), [.flags, .bodySection(IMAPSection(text: .headerFields(["DATE", "FROM"])), partial: nil, peek: false)], modifiers: []))),
        ("A003 FETCH 4 ALL", IMAPCommand(tag: "A003", .fetch(one(4), [.flags, .internalDate, .rfc822Size, .envelope], modifiers: []))),
        ("a FETCH 1 FAST", IMAPCommand(tag: "a", .fetch(one(1), [.flags, .internalDate, .rfc822Size], modifiers: []))),
        ("a FETCH 1 full", IMAPCommand(tag: "a", .fetch(one(1), [.flags, .internalDate, .rfc822Size, .envelope, .body], modifiers: []))),
        ("A999 UID FETCH 4827313:4828442 FLAGS", IMAPCommand(tag: "A999", .uidFetch(r(4827313, 4828442), [.flags], modifiers: []))),
        ("A283 FETCH $ (UID INTERNALDATE FLAGS BODY.PEEK[HEADER])",
         IMAPCommand(tag: "A283", .fetch(.lastCommand, [.uid, .internalDate, .flags, .bodySection(IMAPSection(text: .header), partial: nil, peek: true)], modifiers: []))),
        ("a FETCH 1:* (ENVELOPE BODY BODYSTRUCTURE RFC822 RFC822.HEADER RFC822.TEXT RFC822.SIZE MODSEQ EMAILID THREADID SAVEDATE PREVIEW)",
         IMAPCommand(tag: "a", .fetch(.ranges([.init(.number(1), .last)]), [.envelope, .body, .bodyStructure, .rfc822, .rfc822Header, .rfc822Text, .rfc822Size, .modSequence, .emailID, .threadID, .saveDate, .preview(lazy: false)], modifiers: []))),
        ("a FETCH 7 (BODY[1.2.3.MIME] BODY[]<0.2048> BODY.PEEK[2.TEXT]<100.10> BODY[1.HEADER.FIELDS.NOT (Received)] BINARY[1.2] BINARY.PEEK[]<0.1> BINARY.SIZE[3] PREVIEW (LAZY))",
         IMAPCommand(tag: "a", .fetch(one(7), [
            .bodySection(IMAPSection(part: [1, 2, 3], text: .mime), partial: nil, peek: false),
            .bodySection(IMAPSection(), partial: IMAPPartial(offset: 0, length: 2048), peek: false),
            .bodySection(IMAPSection(part: [2], text: .text), partial: IMAPPartial(offset: 100, length: 10), peek: true),
            .bodySection(IMAPSection(part: [1], text: .headerFieldsNot(["Received"])), partial: nil, peek: false),
            .binary(part: [1, 2], partial: nil, peek: false),
            .binary(part: [], partial: IMAPPartial(offset: 0, length: 1), peek: true),
            .binarySize(part: [3]),
            .preview(lazy: true)], modifiers: []))),
        ("s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)",
         IMAPCommand(tag: "s100", .uidFetch(.ranges([.init(.number(1), .last)]), [.flags], modifiers: [.changedSince(12345), .vanished]))),
        ("a FETCH 1:4294967295 UID", IMAPCommand(tag: "a", .fetch(r(1, 4294967295), [.uid], modifiers: []))),
        ("a FETCH 4:2,*:3 UID", IMAPCommand(tag: "a", .fetch(.ranges([.init(.number(4), .number(2)), .init(.last, .number(3))]), [.uid], modifiers: []))),
        ("A003 STORE 2:4 +FLAGS (\\Deleted)", IMAPCommand(tag: "A003", .store(r(2, 4), IMAPStoreFlags(.add, flags: [.deleted]), unchangedSince: nil))),
        ("F284 STORE $ +FLAGS.Silent (\\Deleted)", IMAPCommand(tag: "F284", .store(.lastCommand, IMAPStoreFlags(.add, silent: true, flags: [.deleted]), unchangedSince: nil))),
        ("a STORE 1 FLAGS \\Seen \\Answered $Label1", IMAPCommand(tag: "a", .store(one(1), IMAPStoreFlags(.replace, flags: [.seen, .answered, .keyword("$Label1")]), unchangedSince: nil))),
        ("a STORE 1 -FLAGS ()", IMAPCommand(tag: "a", .store(one(1), IMAPStoreFlags(.remove, flags: []), unchangedSince: nil))),
        ("a103 UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted)",
         IMAPCommand(tag: "a103", .uidStore(.ranges([.init(.number(6)), .init(.number(4)), .init(.number(8))]), IMAPStoreFlags(.add, silent: true, flags: [.deleted]), unchangedSince: 12121230045))),
        ("a102 STORE 12 (UNCHANGEDSINCE 0) +FLAGS.SILENT $MDNSent", IMAPCommand(tag: "a102", .store(one(12), IMAPStoreFlags(.add, silent: true, flags: [.keyword("$MDNSent")]), unchangedSince: 0))),
        ("A003 COPY 2:4 MEETING", IMAPCommand(tag: "A003", .copy(r(2, 4), box("MEETING")))),
        ("A005 UID COPY 305:310 meeting", IMAPCommand(tag: "A005", .uidCopy(r(305, 310), box("meeting")))),
        ("E283 COPY $ \"Other Messages\"", IMAPCommand(tag: "E283", .copy(.lastCommand, box("Other Messages")))),
        ("a UID MOVE 42:69 foo", IMAPCommand(tag: "a", .uidMove(r(42, 69), box("foo")))),
        ("a MOVE 1 Trash", IMAPCommand(tag: "a", .move(one(1), box("Trash")))),
    ]

    static let extensions: [(String, IMAPCommand)] = [
        ("a GETQUOTA \"\"", IMAPCommand(tag: "a", .getQuota(""))),
        ("a GETQUOTAROOT INBOX", IMAPCommand(tag: "a", .getQuotaRoot(.inbox))),
        ("a COMPRESS deflate", IMAPCommand(tag: "a", .compress("DEFLATE"))),
        ("a UNAUTHENTICATE", IMAPCommand(tag: "a", .unauthenticate)),
    ]

    static func date(_ year: Int, _ month: Int, _ day: Int) -> IMAPDate {
        IMAPDate(year: year, month: month, day: day)!
    }

    static func dateTime(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int, _ zone: Int) -> IMAPDateTime {
        IMAPDateTime(date: date(year, month, day), hour: hour, minute: minute, second: second, zoneMinutes: zone)!
    }

    @Test(arguments: anyState + notAuthenticated + authenticated + selected + extensions)
    func parsesCommand(_ input: String, _ expected: IMAPCommand) {
        #expect(Self.parse(input) == .success(expected))
    }

    /// RFC 3501 §5.1.3 and RFC 9051 §5.1: the same names in both mailbox encodings.
    static let mailboxNames: [(String, IMAPMailboxEncoding, IMAPMailboxName)] = [
        ("a SELECT ~peter/mail/&U,BTFw-/&ZeVnLIqe-", .modifiedUTF7, IMAPMailboxName("~peter/mail/台北/日本語")),
        ("a SELECT \"~peter/mail/台北/日本語\"", .utf8, IMAPMailboxName("~peter/mail/台北/日本語")),
        ("a SELECT &-Co", .modifiedUTF7, IMAPMailboxName("&Co")),
        ("a SELECT &-Co", .utf8, IMAPMailboxName("&-Co")),
        ("a SELECT {12}\r\nотпуск", .utf8, IMAPMailboxName("отпуск")),
    ]

    @Test(arguments: mailboxNames)
    func decodesMailboxNames(_ input: String, _ encoding: IMAPMailboxEncoding, _ expected: IMAPMailboxName) {
        #expect(Self.parse(input, encoding) == .success(IMAPCommand(tag: "a", .select(expected, IMAPSelectParameters()))))
    }

    /// Malformed commands: the kind of error, the tag it carries, and a phrase of its message.
    static let malformed: [(String, IMAPParseError.Kind, String?, String)] = [
        ("", .missingTag, nil, "missing command tag"),
        (" NOOP", .missingTag, nil, "missing command tag"),
        ("+tag NOOP", .missingTag, nil, "missing command tag"),
        ("a", .syntax, "a", "missing command name"),
        ("a XPIG-LATIN", .unknownCommand, "a", "unknown command"),
        ("A442 XPIG-LATIN", .unknownCommand, "A442", "unknown command"),
        ("a NOOP extra", .syntax, "a", "unexpected text"),
        ("a  NOOP", .syntax, "a", "a command name"),
        ("a\tNOOP", .syntax, "a", "expected a space"),
        ("a FETCH 1:4294967296 FLAGS", .syntax, "a", "out of range"),
        ("a FETCH 0 FLAGS", .syntax, "a", "0 is not"),
        ("a FETCH 1 (FLAGS", .syntax, "a", "unbalanced parentheses"),
        ("a FETCH 1 FLAGS)", .syntax, "a", "unbalanced parentheses"),
        ("a FETCH 1 (FLAGS BODY[1.2)", .syntax, "a", "\"]\""),
        ("a FETCH 1 BODY[" + (1...40).map(String.init).joined(separator: ".") + "]", .limitExceeded, "a", "deeper than 32"),
        ("a FETCH 1 BODY[0]", .syntax, "a", "0 is not"),
        ("a FETCH 1 BODY[]<5>", .syntax, "a", "\".\""),
        ("a FETCH 1 BODY[]<5.0>", .syntax, "a", "0 is not"),
        ("a FETCH 1 BODY.PEEK", .syntax, "a", "needs a section"),
        ("a FETCH 1 RFC822.SIZEX", .syntax, "a", "unknown fetch attribute"),
        ("a FETCH 1 FLAGS (CHANGEDSINCE x)", .syntax, "a", "number"),
        ("a SEARCH (SEEN", .syntax, "a", "unbalanced parentheses"),
        ("a SEARCH SEEN)", .syntax, "a", "unbalanced parentheses"),
        ("a SEARCH " + String(repeating: "(", count: 40) + "SEEN" + String(repeating: ")", count: 40), .limitExceeded, "a", "nesting"),
        ("a SEARCH " + String(repeating: "NOT ", count: 40) + "SEEN", .limitExceeded, "a", "nesting"),
        ("a SEARCH SINCE 31-Apr-2020", .syntax, "a", "no such date"),
        ("a SEARCH SINCE 1-Foo-2020", .syntax, "a", "month"),
        ("a SEARCH FROB", .syntax, "a", "unknown search key FROB"),
        ("a SEARCH FUZZY TEXT x", .unsupported, "a", "FUZZY"),
        ("a SEARCH", .syntax, "a", "unexpected end"),
        ("a SEARCH RETURN (PARTIAL 1:10) ALL", .unsupported, "a", "PARTIAL"),
        ("a SELECT ~peter/&U,BTFw", .syntax, "a", "modified UTF-7"),
        ("a SELECT &AGE-", .syntax, "a", "modified UTF-7"),
        ("a SELECT \"caf\u{E9}\"", .syntax, "a", "requires UTF8=ACCEPT"),
        ("a LOGIN f\u{E9}e pw", .syntax, "a", "8-bit byte"),
        ("a LOGIN fred \"pw\0\"", .syntax, "a", "NUL"),
        ("a LOGIN fred {3}\r\np\0w", .syntax, "a", "NUL"),
        ("a LOGIN fred {10}\r\npw", .syntax, "a", "shorter than announced"),
        ("a LOGIN fred \"pw", .syntax, "a", "unterminated"),
        ("a LOGIN fred \"p\\w\"", .syntax, "a", "escaped"),
        ("a LOGIN fred ~{2}\r\npw", .syntax, "a", "literal8"),
        ("a LOGIN fred {99999999999999999999}\r\n", .syntax, "a", "out of range"),
        ("a NOOP\0", .syntax, "a", "NUL"),
        ("a LIST (RECURSIVEMATCH) \"\" *", .syntax, "a", "RECURSIVEMATCH needs"),
        ("a LIST \"\" * RETURN (FOO)", .syntax, "a", "unknown LIST return option"),
        ("a STORE 1 FLAG (\\Seen)", .syntax, "a", "expected FLAGS"),
        ("a STORE 1 (UNCHANGEDSINCE 5 X) FLAGS (\\Seen)", .unsupported, "a", "unknown STORE modifier X"),
        ("a STORE 1 (UNCHANGEDSINCE 5", .syntax, "a", "unbalanced parentheses"),
        ("a APPEND INBOX", .syntax, "a", "unexpected end"),
        ("a APPEND INBOX (\\Seen) CATENATE (TEXT {1}\r\nx)", .unsupported, "a", "CATENATE"),
        ("a APPEND INBOX \"31-Feb-2020 00:00:00 +0000\" {1}\r\nx", .syntax, "a", "invalid date-time"),
        ("a AUTHENTICATE PLAIN !!!", .syntax, "a", "base64"),
        ("a UID FROB 1", .syntax, "a", "UID must be followed"),
        ("a SORT (DATE) UTF-8", .syntax, "a", "expected search criteria"),
        ("a SETMETADATA INBOX (/private/comment NIL)", .unsupported, "a", "SETMETADATA"),
        ("a SELECT INBOX (FOO)", .unsupported, "a", "unknown SELECT parameter"),
        ("a ID (\"a\")", .syntax, "a", "a space"),
    ]

    @Test(arguments: malformed)
    func rejectsMalformedCommand(_ input: String, _ kind: IMAPParseError.Kind, _ tag: String?, _ phrase: String) {
        guard case .failure(let error) = Self.parse(input) else {
            Issue.record("parsed: \(input.debugDescription)")
            return
        }
        #expect(error.kind == kind, "\(error)")
        #expect(error.tag == tag)
        #expect(error.message.contains(phrase), "\(error.message)")
    }

    @Test func sequenceSetElementCountIsBounded() {
        let many = (1...10_001).map(String.init).joined(separator: ",")
        guard case .failure(let error) = Self.parse("a FETCH \(many) UID") else {
            Issue.record("accepted 10,001 elements")
            return
        }
        #expect(error.kind == .limitExceeded)
        let allowed = (1...10_000).map(String.init).joined(separator: ",")
        #expect((try? Self.parse("a FETCH \(allowed) UID").get()) != nil)
    }

    @Test func parseErrorBecomesTaggedOrUntaggedBAD() {
        var encoder = IMAPResponseEncoder()
        encoder.options = .imap4rev1
        let tagged = IMAPParseError(.syntax, "expected a space", tag: "a1")
        #expect(String(buffer: encoder.encode(tagged.response)) == "a1 BAD expected a space\r\n")
        let untagged = IMAPParseError(.missingTag, "missing command tag")
        #expect(String(buffer: encoder.encode(untagged.response)) == "* BAD missing command tag\r\n")
    }

    @Test func streamedAppendLiteralIsReferencedByOrdinal() throws {
        // What the framer builds when it streamed the literal: "{5}\r\n" with no octets after it.
        let bytes = Array("a APPEND INBOX (\\Seen) {5}\r\n".utf8)
        let frame = IMAPCommandFrame(bytes, streamedLiterals: [.init(offset: bytes.count, octets: 5)])
        let command = try IMAPCommandParser.parse(frame)
        #expect(command == IMAPCommand(tag: "a", .append(.inbox, [IMAPAppendMessage(
            flags: [.seen], data: .streamed(IMAPStreamedLiteral(ordinal: 0, octets: 5, isBinary: false)))])))
    }

    @Test func idleDoneAndSASLContinuations() throws {
        #expect(IMAPCommandParser.isIdleDone(IMAPCommandFrame("DONE")))
        #expect(IMAPCommandParser.isIdleDone(IMAPCommandFrame("done")))
        #expect(!IMAPCommandParser.isIdleDone(IMAPCommandFrame("DONE ")))
        #expect(try IMAPCommandParser.parseSASLContinuation(IMAPCommandFrame("*")) == .cancel)
        #expect(try IMAPCommandParser.parseSASLContinuation(IMAPCommandFrame("dGVzdAB0ZXN0AHRlc3Q=")) == .response(Array("test\0test\0test".utf8)))
        #expect(try IMAPCommandParser.parseSASLContinuation(IMAPCommandFrame("")) == .response([]))
        #expect(throws: IMAPParseError.self) { try IMAPCommandParser.parseSASLContinuation(IMAPCommandFrame("dGV=zdA")) }
    }
}
