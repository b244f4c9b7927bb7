import Testing
@testable import MailMessage

@Suite("ENVELOPE (RFC 9051 §7.5.2)")
struct EnvelopeTests {
    @Test func appendixA13GroupMessage() {
        let bytes = Fixture.crlf("""
            From: Pete <pete@silly.example>
            To: A Group:Chris Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;
            Cc: Undisclosed recipients:;
            Date: Thu, 13 Feb 1969 23:32:54 -0330
            Message-ID: <testabcd.1234@silly.example>

            Testing.

            """)
        let envelope = MessageParser.parse(bytes).envelope
        #expect(IMAPRendering.envelope(envelope) == #"("Thu, 13 Feb 1969 23:32:54 -0330" NIL (("Pete" NIL "pete" "silly.example")) (("Pete" NIL "pete" "silly.example")) (("Pete" NIL "pete" "silly.example")) ((NIL NIL "A Group" NIL)("Chris Jones" NIL "c" "a.test")(NIL NIL "joe" "where.test")("John" NIL "jdoe" "one.test")(NIL NIL NIL NIL)) ((NIL NIL "Undisclosed recipients" NIL)(NIL NIL NIL NIL)) NIL NIL "<testabcd.1234@silly.example>")"#)
    }

    @Test func senderAndReplyToDefaultToFromAndEmptyIsNil() {
        let bytes = Fixture.crlf("From: a@example.com\nSender:\nReply-To: r@example.com\nSubject:\nCc:\n\n")
        let envelope = MessageParser.parse(bytes).envelope
        #expect(envelope.sender == envelope.from)
        #expect(envelope.replyTo.first?.addressSpec == "r@example.com")
        #expect(envelope.subject == "")          // present but empty
        #expect(envelope.date == nil)            // absent
        #expect(envelope.cc.isEmpty)             // present but empty → NIL
    }

    @Test func firstOccurrenceWins() {
        let bytes = Fixture.crlf("Subject: one\nSubject: two\n\n")
        #expect(MessageParser.parse(bytes).envelope.subject == "one")
    }

    @Test func rawValuesAreKeptForTheClient() {
        let bytes = Fixture.crlf("Subject: =?utf-8?q?caf=C3=A9?=\n  folded\nIn-Reply-To: <a@b>\n\n")
        let parsed = MessageParser.parse(bytes)
        #expect(parsed.envelope.subject == "=?utf-8?q?caf=C3=A9?=  folded")
        #expect(parsed.envelope.inReplyTo == "<a@b>")
        #expect(parsed.summary.search.subject == "café  folded")
    }
}
