import Foundation
import MailMessage
import Testing
import Sieve

/// RFC 5230 §4.5-4.6 and RFC 3834 §2: when a vacation reply is really sent.
struct VacationPolicyTests {
    private let policy = VacationPolicy(ownAddresses: ["bob@example.com"])
    private let vacation = SieveVacation(reason: "away", addresses: ["bob.alias@example.com"], handle: "h",
                                         period: 7 * 86_400)
    private let now = Date(timeIntervalSince1970: 1_700_000_000)

    private func header(_ extra: String = "", to: String = "Bob <bob@example.com>") -> HeaderFields {
        let text = "From: alice@example.org\r\nTo: \(to)\r\nSubject: Lunch?\r\n\(extra)\r\nbody\r\n"
        return MessageParser.parse(Array(text.utf8)).header
    }

    private func decide(_ header: HeaderFields, from: String = "alice@example.org",
                        lastReplied: Date? = nil) -> VacationPolicy.Decision {
        policy.decide(vacation: vacation, header: header, envelopeFrom: from, now: now) { _, _ in lastReplied }
    }

    @Test func repliesToAPersonAddressingUs() {
        #expect(decide(header()) == .reply(recipient: "alice@example.org", subject: "Auto: Lunch?"))
        #expect(decide(header(to: "Other <bob.alias@example.com>")) == .reply(recipient: "alice@example.org",
                                                                             subject: "Auto: Lunch?"))
    }

    @Test(arguments: [
        ("Auto-Submitted: auto-replied\r\n", "alice@example.org", VacationPolicy.Reason.autoSubmitted),
        ("Precedence: bulk\r\n", "alice@example.org", .mailingList),
        ("List-Id: <list.example.org>\r\n", "alice@example.org", .mailingList),
        ("", "", .nullSender),
        ("", "<>", .nullSender),
        ("", "MAILER-DAEMON@example.org", .automaticSender),
        ("", "owner-list@example.org", .automaticSender),
        ("", "list-request@example.org", .automaticSender),
        ("", "bob@example.com", .ownAddress),
    ])
    func skips(extra: String, from: String, reason: VacationPolicy.Reason) {
        #expect(decide(header(extra), from: from) == .skip(reason))
    }

    @Test func autoSubmittedNoStillReplies() {
        #expect(decide(header("Auto-Submitted: no\r\n")) == .reply(recipient: "alice@example.org", subject: "Auto: Lunch?"))
    }

    @Test func skipsWhenNotAVisibleRecipient() {
        #expect(decide(header(to: "undisclosed-recipients:;")) == .skip(.notAddressedToUs))
    }

    @Test func oneReplyPerPeriod() {
        #expect(decide(header(), lastReplied: now.addingTimeInterval(-86_400)) == .skip(.alreadyReplied))
        #expect(decide(header(), lastReplied: now.addingTimeInterval(-8 * 86_400))
                == .reply(recipient: "alice@example.org", subject: "Auto: Lunch?"))
    }

    @Test func explicitSubjectWins() {
        var custom = vacation
        custom.subject = "Gone fishing"
        let decision = policy.decide(vacation: custom, header: header(), envelopeFrom: "alice@example.org",
                                     now: now) { _, _ in nil }
        #expect(decision == .reply(recipient: "alice@example.org", subject: "Gone fishing"))
    }
}

/// RFC 5230 §5: the reply message.
struct VacationReplyTests {
    @Test func buildsReplyWithThreadingAndAutoSubmitted() {
        let original = MessageParser.parse(Array(
            "From: alice@example.org\r\nMessage-ID: <m1@example.org>\r\nReferences: <m0@example.org>\r\n\r\nx\r\n".utf8)).header
        let vacation = SieveVacation(reason: "Away\nuntil Monday", handle: "h", period: 86_400)
        let reply = VacationReply(vacation: vacation, recipient: "alice@example.org", subject: "Auto: Héllo",
                                  owner: "bob@example.com", originalHeader: original,
                                  date: Date(timeIntervalSince1970: 1_700_000_000), messageID: "<r1@example.com>")
        let text = String(decoding: reply.message, as: UTF8.self)
        #expect(text == """
            From: bob@example.com\r
            To: alice@example.org\r
            Subject: =?UTF-8?B?QXV0bzogSMOpbGxv?=\r
            Date: Tue, 14 Nov 2023 22:13:20 +0000\r
            Message-ID: <r1@example.com>\r
            In-Reply-To: <m1@example.org>\r
            References: <m0@example.org> <m1@example.org>\r
            Auto-Submitted: auto-replied\r
            MIME-Version: 1.0\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: 8bit\r
            \r
            Away\r
            until Monday\r

            """)
        #expect(reply.envelopeFrom == "")
        // The reply parses back with the decoded subject.
        #expect(MessageParser.parse(reply.message).envelope.subject.map(EncodedWord.decode) == "Auto: Héllo")
    }

    @Test func mimeReasonIsItsOwnEntityAndFromOverrides() {
        let original = MessageParser.parse(Array("From: a@b.example\r\n\r\nx\r\n".utf8)).header
        let vacation = SieveVacation(reason: "Content-Type: text/html\r\n\r\n<p>Away</p>\r\n", from: "Bob <b@x.example>",
                                     isMIME: true, handle: "h", period: 86_400)
        let reply = VacationReply(vacation: vacation, recipient: "a@b.example", subject: "Auto",
                                  owner: "bob@example.com", originalHeader: original, date: Date(), messageID: "<r>")
        let text = String(decoding: reply.message, as: UTF8.self)
        #expect(text.hasPrefix("From: Bob <b@x.example>\r\n"))
        #expect(!text.contains("In-Reply-To"))
        #expect(text.hasSuffix("MIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n<p>Away</p>\r\n"))
    }
}
