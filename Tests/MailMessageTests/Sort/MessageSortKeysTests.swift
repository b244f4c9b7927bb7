// The SORT/THREAD keys computed from a summary (RFC 5256 §2.1-§3, RFC 5957 §3).
import Foundation
import MailMessage
import Testing

@Suite("Message sort keys")
struct MessageSortKeysTests {
    static func keys(_ header: String) -> MessageSortKeys {
        MessageSortKeys(summary: MessageParser.parse(Array((header + "\r\n\r\nbody\r\n").utf8)).summary)
    }

    @Test(arguments: [
        // (header, subject key, reply/forward)
        ("Subject: Re: Fwd: [list] hello World", "HELLO WORLD", true),
        ("Subject: =?utf-8?q?R=C3=A9union?=", "RéUNION", false),
        ("Subject: [fwd: news]", "NEWS", true),
        ("X-No-Subject: 1", "", false),
    ])
    func subject(header: String, expected: String, reply: Bool) {
        let keys = Self.keys(header)
        #expect(keys.subject == Array(expected.utf8))
        #expect(keys.isReplyOrForward == reply)
    }

    @Test(arguments: [
        // (From header, addr-mailbox key, display key)
        ("From: \"Zoe\" <zoe@example.net>", "ZOE", "ZOE"),
        ("From: zoe@example.net", "ZOE", "ZOE@EXAMPLE.NET"),
        ("From: =?utf-8?q?=C3=89mile?= <emile@x.fr>, other@y", "EMILE", "ÉMILE"),   // non-ASCII kept as is
        // The envelope's group start marker carries the group name as its mailbox (RFC 9051 §7.5.2).
        ("From: undisclosed-recipients:;", "UNDISCLOSED-RECIPIENTS", "UNDISCLOSED-RECIPIENTS"),
        ("Subject: none", "", ""),
    ])
    func fromAddress(header: String, mailbox: String, display: String) {
        let keys = Self.keys(header)
        #expect(keys.from == Array(mailbox.utf8))
        #expect(keys.displayFrom == Array(display.utf8))
    }

    @Test func datesAndThreading() {
        let keys = Self.keys("Date: Mon, 2 Mar 2026 10:00:00 +0100\r\nMessage-ID: <a@b>\r\nIn-Reply-To: <p@b> <q@b>")
        #expect(keys.sentDate == Date(timeIntervalSince1970: 1_772_442_000))
        #expect(keys.messageID == "a@b")
        // RFC 5256 §3: without References, the first In-Reply-To id is the parent.
        #expect(keys.references == ["p@b"])
        let referenced = Self.keys("References: <r1@x>\r\n <r2@x>\r\nIn-Reply-To: <p@b>")
        #expect(referenced.references == ["r1@x", "r2@x"])
        #expect(Self.keys("Date: yesterday").sentDate == nil)
    }
}
