import NIOCore
import Testing
@testable import IMAPServer

@Suite struct IMAPResponseEncoderTests {
    static let rev1 = IMAPResponseEncoder(options: .imap4rev1)
    static let utf8 = IMAPResponseEncoder(options: .utf8)

    static func encode(_ response: IMAPResponse, _ encoder: IMAPResponseEncoder = rev1) -> String {
        String(buffer: encoder.encode(response))
    }

    static func tagged(_ code: IMAPResponseCode, _ kind: IMAPStatusResponse.Kind = .ok) -> IMAPResponse {
        .tagged(tag: "a1", IMAPStatusResponse(kind, code: code, text: "x"))
    }

    static let statusResponses: [(IMAPResponse, String)] = [
        (.tagged(tag: "a1", .ok("LOGIN completed")), "a1 OK LOGIN completed\r\n"),
        (.tagged(tag: "a1", .no("nope")), "a1 NO nope\r\n"),
        (.tagged(tag: "a1", .bad("what?")), "a1 BAD what?\r\n"),
        (.tagged(tag: "a1", .ok("")), "a1 OK done\r\n"),
        (.tagged(tag: "a1", .ok("line\r\nbreak")), "a1 OK line  break\r\n"),
        (.untagged(.state(.ok("IMAP4rev2 server ready"))), "* OK IMAP4rev2 server ready\r\n"),
        (.untagged(.state(.no("disk is 98% full", code: .alert))), "* NO [ALERT] disk is 98% full\r\n"),
        (.untagged(.bye(nil, "Autologout; idle for too long")), "* BYE Autologout; idle for too long\r\n"),
        (.untagged(.bye(.tooBig, "too big")), "* BYE [TOOBIG] too big\r\n"),
        (.untagged(.preauth(nil, "IMAP4rev2 server logged in as Smith")), "* PREAUTH IMAP4rev2 server logged in as Smith\r\n"),
        (.continuation(.text("Ready for additional command text")), "+ Ready for additional command text\r\n"),
        (.continuation(.text("")), "+ Ready\r\n"),
        (.continuation(.challenge([])), "+ \r\n"),
        (.continuation(.challenge(Array("hello".utf8))), "+ aGVsbG8=\r\n"),
        (tagged(.alert), "a1 OK [ALERT] x\r\n"),
        (tagged(.badCharset([])), "a1 OK [BADCHARSET] x\r\n"),
        (tagged(.badCharset(["UTF-8", "US-ASCII"]), .no), "a1 NO [BADCHARSET (\"UTF-8\" \"US-ASCII\")] x\r\n"),
        (tagged(.capability(["IMAP4rev2", "IMAP4rev1", "STARTTLS", "AUTH=PLAIN"])), "a1 OK [CAPABILITY IMAP4rev2 IMAP4rev1 STARTTLS AUTH=PLAIN] x\r\n"),
        (tagged(.parse), "a1 OK [PARSE] x\r\n"),
        (tagged(.permanentFlags([.deleted, .seen], allowsNewKeywords: true)), "a1 OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] x\r\n"),
        (tagged(.permanentFlags([], allowsNewKeywords: false)), "a1 OK [PERMANENTFLAGS ()] x\r\n"),
        (tagged(.readOnly), "a1 OK [READ-ONLY] x\r\n"),
        (tagged(.readWrite), "a1 OK [READ-WRITE] x\r\n"),
        (tagged(.tryCreate, .no), "a1 NO [TRYCREATE] x\r\n"),
        (tagged(.uidNext(4392)), "a1 OK [UIDNEXT 4392] x\r\n"),
        (tagged(.uidValidity(3857529045)), "a1 OK [UIDVALIDITY 3857529045] x\r\n"),
        (tagged(.unseen(12)), "a1 OK [UNSEEN 12] x\r\n"),
        (tagged(.appendUID(uidValidity: 38505, uids: .single(3955))), "a1 OK [APPENDUID 38505 3955] x\r\n"),
        (tagged(.copyUID(uidValidity: 38505, source: .ranges([.init(.number(304)), .init(.number(319), .number(320))]), destination: .range(3956, 3958))),
         "a1 OK [COPYUID 38505 304,319:320 3956:3958] x\r\n"),
        (tagged(.uidNotSticky), "a1 OK [UIDNOTSTICKY] x\r\n"),
        (tagged(.highestModSeq(715194045007)), "a1 OK [HIGHESTMODSEQ 715194045007] x\r\n"),
        (tagged(.noModSeq), "a1 OK [NOMODSEQ] x\r\n"),
        (tagged(.modified(.ranges([.init(.number(7)), .init(.number(9))]))), "a1 OK [MODIFIED 7,9] x\r\n"),
        (tagged(.closed), "a1 OK [CLOSED] x\r\n"),
        (tagged(.alreadyExists, .no), "a1 NO [ALREADYEXISTS] x\r\n"),
        (tagged(.nonExistent, .no), "a1 NO [NONEXISTENT] x\r\n"),
        (tagged(.authenticationFailed, .no), "a1 NO [AUTHENTICATIONFAILED] x\r\n"),
        (tagged(.authorizationFailed, .no), "a1 NO [AUTHORIZATIONFAILED] x\r\n"),
        (tagged(.unavailable, .no), "a1 NO [UNAVAILABLE] x\r\n"),
        (tagged(.serverBug, .no), "a1 NO [SERVERBUG] x\r\n"),
        (tagged(.clientBug), "a1 OK [CLIENTBUG] x\r\n"),
        (tagged(.cannot, .no), "a1 NO [CANNOT] x\r\n"),
        (tagged(.limit, .no), "a1 NO [LIMIT] x\r\n"),
        (tagged(.overQuota, .no), "a1 NO [OVERQUOTA] x\r\n"),
        (tagged(.inUse, .no), "a1 NO [INUSE] x\r\n"),
        (tagged(.noPerm, .no), "a1 NO [NOPERM] x\r\n"),
        (tagged(.privacyRequired, .no), "a1 NO [PRIVACYREQUIRED] x\r\n"),
        (tagged(.contactAdmin, .no), "a1 NO [CONTACTADMIN] x\r\n"),
        (tagged(.expired, .no), "a1 NO [EXPIRED] x\r\n"),
        (tagged(.expungeIssued), "a1 OK [EXPUNGEISSUED] x\r\n"),
        (tagged(.corruption, .no), "a1 NO [CORRUPTION] x\r\n"),
        (tagged(.notSaved, .no), "a1 NO [NOTSAVED] x\r\n"),
        (tagged(.hasChildren, .no), "a1 NO [HASCHILDREN] x\r\n"),
        (tagged(.unknownCTE, .no), "a1 NO [UNKNOWN-CTE] x\r\n"),
        (tagged(.tooBig, .no), "a1 NO [TOOBIG] x\r\n"),
        (tagged(.mailboxID("F2212ea87-6097-4256-9d51-71338625")), "a1 OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] x\r\n"),
        (tagged(.compressionActive, .no), "a1 NO [COMPRESSIONACTIVE] x\r\n"),
        (tagged(.useAttribute, .no), "a1 NO [USEATTR] x\r\n"),
        (tagged(.other("X-FOO", "a]b")), "a1 OK [X-FOO a b] x\r\n"),
    ]

    @Test(arguments: statusResponses)
    func encodesStatusResponse(_ response: IMAPResponse, _ expected: String) {
        #expect(Self.encode(response) == expected)
    }

    static let sentList = IMAPListResponse(attributes: ["\\HasNoChildren", "\\Sent"], delimiter: "/", mailbox: IMAPMailboxName("Gesendete Objekte"))

    static let dataResponses: [(IMAPResponse, String)] = [
        (.untagged(.capability(["IMAP4rev2", "STARTTLS", "AUTH=GSSAPI", "LOGINDISABLED"])), "* CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI LOGINDISABLED\r\n"),
        (.untagged(.enabled(["CONDSTORE"])), "* ENABLED CONDSTORE\r\n"),
        (.untagged(.enabled([])), "* ENABLED\r\n"),
        (.untagged(.list(IMAPListResponse(attributes: ["\\Noselect"], delimiter: "/", mailbox: IMAPMailboxName("~/Mail/foo")))),
         "* LIST (\\Noselect) \"/\" \"~/Mail/foo\"\r\n"),
        (.untagged(.list(IMAPListResponse(attributes: [], delimiter: nil, mailbox: .inbox))), "* LIST () NIL \"INBOX\"\r\n"),
        (.untagged(.list(IMAPListResponse(attributes: [], delimiter: "\\", mailbox: IMAPMailboxName("a\"b")))), "* LIST () \"\\\\\" \"a\\\"b\"\r\n"),
        (.untagged(.list(sentList)), "* LIST (\\HasNoChildren \\Sent) \"/\" \"Gesendete Objekte\"\r\n"),
        (.untagged(.list(IMAPListResponse(attributes: ["\\NonExistent"], delimiter: "/", mailbox: IMAPMailboxName("Foo"), childInfo: ["SUBSCRIBED"]))),
         "* LIST (\\NonExistent) \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n"),
        (.untagged(.list(IMAPListResponse(attributes: [], delimiter: "/", mailbox: IMAPMailboxName("NewName"), oldName: IMAPMailboxName("OldName")))),
         "* LIST () \"/\" \"NewName\" (\"OLDNAME\" (\"OldName\"))\r\n"),
        (.untagged(.lsub(IMAPListResponse(attributes: [], delimiter: ".", mailbox: IMAPMailboxName("#news.comp.mail.misc")))),
         "* LSUB () \".\" \"#news.comp.mail.misc\"\r\n"),
        (.untagged(.mailboxStatus(IMAPMailboxName("blurdybloop"), [.number(.messages, 231), .number(.uidNext, 44292)])),
         "* STATUS \"blurdybloop\" (MESSAGES 231 UIDNEXT 44292)\r\n"),
        (.untagged(.mailboxStatus(.inbox, [.number(.size, 5_000_000_000), .number(.highestModSeq, 7), .appendLimitNone, .mailboxID("F1")])),
         "* STATUS \"INBOX\" (SIZE 5000000000 HIGHESTMODSEQ 7 APPENDLIMIT NIL MAILBOXID (F1))\r\n"),
        (.untagged(.flags([.answered, .flagged, .deleted, .seen, .draft])), "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"),
        (.untagged(.exists(23)), "* 23 EXISTS\r\n"),
        (.untagged(.recent(5)), "* 5 RECENT\r\n"),
        (.untagged(.expunge(44)), "* 44 EXPUNGE\r\n"),
        (.untagged(.vanished(earlier: false, .range(405, 407))), "* VANISHED 405:407\r\n"),
        (.untagged(.vanished(earlier: true, .ranges([.init(.number(41)), .init(.number(43), .number(116))]))), "* VANISHED (EARLIER) 41,43:116\r\n"),
        (.untagged(.search([2, 3, 6], modSequence: nil)), "* SEARCH 2 3 6\r\n"),
        (.untagged(.search([], modSequence: nil)), "* SEARCH\r\n"),
        (.untagged(.search([2, 5, 6, 7, 11, 12, 18, 19, 20, 23], modSequence: 917162500)), "* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)\r\n"),
        (.untagged(.esearch(IMAPESearchResponse(tag: "A282", uid: false, min: 2, count: 3))), "* ESEARCH (TAG \"A282\") MIN 2 COUNT 3\r\n"),
        (.untagged(.esearch(IMAPESearchResponse(tag: "A285", uid: true, min: 7, max: 3800))), "* ESEARCH (TAG \"A285\") UID MIN 7 MAX 3800\r\n"),
        (.untagged(.esearch(IMAPESearchResponse(tag: "C282", uid: false, all: .ranges([.init(.number(2)), .init(.number(10), .number(11))])))), "* ESEARCH (TAG \"C282\") ALL 2,10:11\r\n"),
        (.untagged(.esearch(IMAPESearchResponse(tag: nil, uid: false))), "* ESEARCH\r\n"),
        (.untagged(.namespace(IMAPNamespaceResponse(personal: [.init(prefix: "", delimiter: "/")]))), "* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n"),
        (.untagged(.namespace(IMAPNamespaceResponse(personal: [.init(prefix: "", delimiter: "/")], otherUsers: [.init(prefix: "~", delimiter: "/")], shared: [.init(prefix: "#shared/", delimiter: "/"), .init(prefix: "#public/", delimiter: "/")]))),
         "* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\")(\"#public/\" \"/\"))\r\n"),
        (.untagged(.id([.init("name", "Facteur"), .init("support-url", nil)])), "* ID (\"name\" \"Facteur\" \"support-url\" NIL)\r\n"),
        (.untagged(.id(nil)), "* ID NIL\r\n"),
        (.untagged(.quota(root: "", [IMAPQuotaResource("STORAGE", usage: 10, limit: 512)])), "* QUOTA \"\" (STORAGE 10 512)\r\n"),
        (.untagged(.quotaRoot(.inbox, roots: [""])), "* QUOTAROOT \"INBOX\" \"\"\r\n"),
    ]

    @Test(arguments: dataResponses)
    func encodesDataResponse(_ response: IMAPResponse, _ expected: String) {
        #expect(Self.encode(response) == expected)
    }

    /// Mailbox names and strings follow the session mode: modified UTF-7 and literals for
    /// IMAP4rev1, UTF-8 quoted strings after IMAP4rev2 / UTF8=ACCEPT.
    static let modeDependent: [(IMAPResponse, String, String)] = [
        (.untagged(.list(IMAPListResponse(attributes: [], delimiter: "/", mailbox: IMAPMailboxName("~peter/mail/台北/日本語")))),
         "* LIST () \"/\" \"~peter/mail/&U,BTFw-/&ZeVnLIqe-\"\r\n",
         "* LIST () \"/\" \"~peter/mail/台北/日本語\"\r\n"),
        (.untagged(.fetch(1, [.envelope(IMAPEnvelope(subject: "Grüße"))])),
         "* 1 FETCH (ENVELOPE (NIL {7}\r\nGrüße NIL NIL NIL NIL NIL NIL NIL NIL))\r\n",
         "* 1 FETCH (ENVELOPE (NIL \"Grüße\" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n"),
        (.tagged(tag: "a", .ok("Grüße")), "a OK Gr??e\r\n", "a OK Grüße\r\n"),
    ]

    @Test(arguments: modeDependent)
    func followsSessionMode(_ response: IMAPResponse, _ rev1: String, _ utf8: String) {
        #expect(Self.encode(response, Self.rev1) == rev1)
        #expect(Self.encode(response, Self.utf8) == utf8)
    }

    static let envelope = IMAPEnvelope(
        date: "Wed, 17 Jul 1996 02:23:25 -0700 (PDT)",
        subject: "IMAP4rev2 WG mtg summary and minutes",
        from: [IMAPAddress(name: "Terry Gray", mailbox: "gray", host: "cac.washington.example")],
        sender: [IMAPAddress(name: "Terry Gray", mailbox: "gray", host: "cac.washington.example")],
        replyTo: [IMAPAddress(name: "Terry Gray", mailbox: "gray", host: "cac.washington.example")],
        to: [IMAPAddress(name: nil, mailbox: "imap", host: "cac.washington.example")],
        cc: [IMAPAddress(name: nil, mailbox: "minutes", host: "CNRI.Reston.VA.example"),
             IMAPAddress(name: "John Klensin", mailbox: "KLENSIN", host: "MIT.EDU.example")],
        inReplyTo: nil,
        messageID: "<B27397-0100000@cac.washington.example>")

    static let textPart = IMAPBodyStructure.singlePart(.init(
        type: "TEXT", subtype: "PLAIN", parameters: [IMAPBodyParameter("CHARSET", "US-ASCII")], octets: 3028, kind: .text(lines: 92)))

    static let fetchResponses: [(IMAPResponse, String)] = [
        // RFC 9051 §7.5.2 example.
        (.untagged(.fetch(12, [.flags([.seen]), .internalDate(IMAPDateTime(date: IMAPDate(year: 1996, month: 7, day: 17)!, hour: 2, minute: 44, second: 25, zoneMinutes: -420)!),
                               .rfc822Size(4286), .envelope(envelope), .body(textPart)])),
         "* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev2 WG mtg summary and minutes\" ((\"Terry Gray\" NIL \"gray\" \"cac.washington.example\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.example\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.example\")) ((NIL NIL \"imap\" \"cac.washington.example\")) ((NIL NIL \"minutes\" \"CNRI.Reston.VA.example\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU.example\")) NIL NIL \"<B27397-0100000@cac.washington.example>\") BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n"),
        (.untagged(.fetch(1, [.uid(7), .modSequence(624140003), .emailID("M6d99ac3275bb4e"), .threadID(nil), .saveDate(nil), .preview("Hi"), .binarySize(part: [1], 42)])),
         "* 1 FETCH (UID 7 MODSEQ (624140003) EMAILID (M6d99ac3275bb4e) THREADID NIL SAVEDATE NIL PREVIEW \"Hi\" BINARY.SIZE[1] 42)\r\n"),
        (.untagged(.fetch(1, [.threadID("T1"), .saveDate(IMAPDateTime(date: IMAPDate(year: 2020, month: 1, day: 1)!, hour: 0, minute: 0, second: 0, zoneMinutes: 0)!), .preview(nil)])),
         "* 1 FETCH (THREADID (T1) SAVEDATE \" 1-Jan-2020 00:00:00 +0000\" PREVIEW NIL)\r\n"),
        (.untagged(.fetch(2, [.bodySection(IMAPSection(text: .headerFields(["DATE", "FROM"])), origin: nil, data: Array("Date: x\r\n\r\n".utf8))])),
         "* 2 FETCH (BODY[HEADER.FIELDS (DATE FROM)] {11}\r\nDate: x\r\n\r\n)\r\n"),
        (.untagged(.fetch(2, [.bodySection(IMAPSection(part: [1, 2]), origin: 0, data: Array("abc".utf8))])), "* 2 FETCH (BODY[1.2]<0> {3}\r\nabc)\r\n"),
        (.untagged(.fetch(2, [.bodySection(IMAPSection(part: [3], text: .mime), origin: nil, data: nil)])), "* 2 FETCH (BODY[3.MIME] NIL)\r\n"),
        (.untagged(.fetch(2, [.binary(part: [1], origin: nil, data: [1, 0, 2])])), "* 2 FETCH (BINARY[1] ~{3}\r\n\u{1}\0\u{2})\r\n"),
        (.untagged(.fetch(2, [.binary(part: [], origin: 5, data: Array("ok".utf8))])), "* 2 FETCH (BINARY[]<5> {2}\r\nok)\r\n"),
        (.untagged(.fetch(2, [.rfc822(Array("x".utf8)), .rfc822Header(Array("H: v\r\n\r\n".utf8)), .rfc822Text(nil)])),
         "* 2 FETCH (RFC822 {1}\r\nx RFC822.HEADER {8}\r\nH: v\r\n\r\n RFC822.TEXT NIL)\r\n"),
        // Multipart BODYSTRUCTURE with extension data, a message/rfc822 part and group syntax.
        (.untagged(.fetch(3, [.bodyStructure(.multipart(.init(
            parts: [
                textPart,
                .singlePart(.init(type: "application", subtype: "pdf", parameters: [IMAPBodyParameter("name", "a.pdf")], encoding: "base64", octets: 100,
                                  md5: nil, extensions: IMAPBodyExtensions(disposition: .init("attachment", parameters: [IMAPBodyParameter("filename", "a.pdf")]), languages: ["en", "fr"], location: nil))),
                .singlePart(.init(type: "MESSAGE", subtype: "RFC822", octets: 50, kind: .message(
                    IMAPEnvelope(subject: "inner", to: [.groupStart("undisclosed-recipients"), .groupEnd]), textPart, lines: 4))),
            ],
            subtype: "mixed", parameters: [IMAPBodyParameter("BOUNDARY", "b1")], extensions: IMAPBodyExtensions(languages: ["de"]))))])),
         "* 3 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92 NIL NIL NIL NIL)"
         + "(\"APPLICATION\" \"PDF\" (\"NAME\" \"a.pdf\") NIL NIL \"BASE64\" 100 NIL (\"ATTACHMENT\" (\"FILENAME\" \"a.pdf\")) (\"en\" \"fr\") NIL)"
         + "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 50 (NIL \"inner\" NIL NIL NIL ((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) NIL NIL NIL NIL)"
         + " (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92 NIL NIL NIL NIL) 4 NIL NIL NIL NIL)"
         + " \"MIXED\" (\"BOUNDARY\" \"b1\") NIL \"de\" NIL))\r\n"),
        (.untagged(.fetch(3, [.body(.multipart(.init(parts: [textPart, textPart], subtype: "alternative")))])),
         "* 3 FETCH (BODY ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92)(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92) \"ALTERNATIVE\"))\r\n"),
    ]

    @Test(arguments: fetchResponses)
    func encodesFetchResponse(_ response: IMAPResponse, _ expected: String) {
        #expect(Self.encode(response) == expected)
    }

    @Test func streamsBodySectionAfterItsLiteralHeader() {
        let encoder = Self.rev1
        var buffer = ByteBuffer()
        var writer = IMAPFetchResponseWriter(sequenceNumber: 12, encoder: encoder, into: &buffer)
        writer.write(.uid(7), into: &buffer)
        writer.writeStreamedSectionHeader(.bodySection(IMAPSection(part: [1, 2]), origin: 0, octets: 5), into: &buffer)
        buffer.writeString("hello")     // the session's streamed octets
        writer.write(.flags([.seen]), into: &buffer)
        writer.finish(into: &buffer)
        #expect(String(buffer: buffer) == "* 12 FETCH (UID 7 BODY[1.2]<0> {5}\r\nhello FLAGS (\\Seen))\r\n")

        var binary = ByteBuffer()
        var binaryWriter = IMAPFetchResponseWriter(sequenceNumber: 1, encoder: encoder, into: &binary)
        binaryWriter.writeStreamedSectionHeader(.binary(part: [2], origin: nil, octets: 2), into: &binary)
        binary.writeBytes([0, 1])
        binaryWriter.finish(into: &binary)
        #expect(String(buffer: binary) == "* 1 FETCH (BINARY[2] ~{2}\r\n\0\u{1})\r\n")
    }

    static let strings: [([UInt8], [UInt8], [UInt8])] = [
        (Array("plain".utf8), Array("\"plain\"".utf8), Array("\"plain\"".utf8)),
        (Array("a\"b\\c".utf8), Array("\"a\\\"b\\\\c\"".utf8), Array("\"a\\\"b\\\\c\"".utf8)),
        (Array("two\r\nlines".utf8), Array("{10}\r\ntwo\r\nlines".utf8), Array("{10}\r\ntwo\r\nlines".utf8)),
        (Array("é".utf8), Array("{2}\r\n".utf8) + [0xC3, 0xA9], [0x22, 0xC3, 0xA9, 0x22]),
        // Not UTF-8: a literal even when UTF-8 is accepted.
        ([0xFF, 0xFE], Array("{2}\r\n".utf8) + [0xFF, 0xFE], Array("{2}\r\n".utf8) + [0xFF, 0xFE]),
        (Array(repeating: 0x61, count: 1025), Array("{1025}\r\n".utf8) + Array(repeating: 0x61, count: 1025),
         Array("{1025}\r\n".utf8) + Array(repeating: 0x61, count: 1025)),
    ]

    @Test(arguments: strings)
    func stringsChooseQuotedOrLiteral(_ value: [UInt8], _ rev1: [UInt8], _ utf8: [UInt8]) {
        var buffer = ByteBuffer()
        Self.rev1.writeString(value, into: &buffer)
        #expect(Array(buffer.readableBytesView) == rev1)
        buffer.clear()
        Self.utf8.writeString(value, into: &buffer)
        #expect(Array(buffer.readableBytesView) == utf8)
    }
}
