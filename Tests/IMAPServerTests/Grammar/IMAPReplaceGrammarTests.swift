// REPLACE and UID REPLACE (RFC 8508 §6): parsed like APPEND's message, framed with APPEND's
// literal limits and streaming.

import Testing
@testable import IMAPServer

@Suite struct IMAPReplaceGrammarTests {
    static let parsed: [(String, IMAPCommand)] = [
        // RFC 8508 §3.2 and §3.3 examples (shortened literals).
        ("A003 REPLACE 4 Drafts (\\Seen \\Draft) {5}\r\nHello",
         IMAPCommand(tag: "A003", .replace(.single(4), IMAPMailboxName("Drafts"),
                                           IMAPAppendMessage(flags: [.seen, .draft], data: .bytes(Array("Hello".utf8)))))),
        ("A004 UID REPLACE 2000 Drafts (\\Seen \\Draft) {2}\r\nhi",
         IMAPCommand(tag: "A004", .uidReplace(.single(2000), IMAPMailboxName("Drafts"),
                                              IMAPAppendMessage(flags: [.seen, .draft], data: .bytes(Array("hi".utf8)))))),
        ("a replace * INBOX {2+}\r\nhi",
         IMAPCommand(tag: "a", .replace(.ranges([.init(.last)]), .inbox, IMAPAppendMessage(data: .bytes(Array("hi".utf8)))))),
    ]

    @Test(arguments: parsed)
    func parses(_ input: String, _ expected: IMAPCommand) throws {
        #expect(try IMAPCommandParser.parse(IMAPCommandFrame(input)) == expected)
    }

    static let malformed: [(String, String)] = [
        ("a REPLACE 1:3 Drafts {1}\r\nx", "one message number"),
        ("a REPLACE 1,2 Drafts {1}\r\nx", "one message number"),
        ("a REPLACE $ Drafts {1}\r\nx", "one message number"),
        ("a REPLACE 1 Drafts", "unexpected end"),
        ("a UID REPLACE 1 Drafts CATENATE (TEXT {1}\r\nx)", "CATENATE"),
    ]

    @Test(arguments: malformed)
    func rejects(_ input: String, _ phrase: String) {
        #expect {
            try IMAPCommandParser.parse(IMAPCommandFrame(input))
        } throws: { error in
            (error as? IMAPParseError)?.message.contains(phrase) == true && (error as? IMAPParseError)?.tag == "a"
        }
    }

    @Test(arguments: ["a REPLACE 1 Drafts", "a UID REPLACE 1 Drafts", "a uid replace 1 Drafts"])
    func replaceLiteralsGetAppendLimitsAndStreaming(_ command: String) {
        var configuration = IMAPCommandFramerTests.small
        configuration.maxLiteralSize = 10
        let body = String(repeating: "m", count: 25)
        let seen = IMAPCommandFramerTests.runBothWays("\(command) {25}\r\n\(body)\r\n", configuration: configuration)
        #expect(seen == [.continuation(octets: 25, streamed: true), .streamStart(octets: 25), .streamBytes(body), .streamEnd, .command("\(command) {25}\r\n")])
    }

    @Test func otherUIDCommandsKeepTheSmallLiteralLimit() {
        var configuration = IMAPCommandFramerTests.small
        configuration.maxLiteralSize = 10
        let seen = IMAPCommandFramerTests.runBothWays("a UID SEARCH SUBJECT {25}\r\n", configuration: configuration)
        #expect(seen == [.rejected(.literalTooLarge(octets: 25, limit: 10), tag: "a")])
    }
}
