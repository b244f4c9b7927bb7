// Sieve actions that reach beyond the account's mailboxes: redirect and vacation (queued for the
// outbound path), duplicate (store records), include, the global script, reject.
import Delivery
import Foundation
import MailStore
import Testing

@Suite struct SieveRedirectVacationTests {
    @Test func redirectQueuesTheMessageUnchangedAndCancelsTheKeep() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.activate("redirect \"elsewhere@remote.test\";", for: "alice@example.test")
        try await fixture.activate("require \"copy\"; redirect :copy \"copy@remote.test\";", for: "bob@example.test")
        #expect(await fixture.deliver(to: ["alice@example.test", "bob@example.test"]) == [.delivered, .delivered])
        #expect(try await fixture.inbox("alice@example.test").isEmpty)
        #expect(try await fixture.inbox("bob@example.test").count == 1)   // RFC 3894 :copy keeps
        let queued = try await fixture.queued()
        #expect(queued.map(\.recipients) == [["elsewhere@remote.test"], ["copy@remote.test"]])
        #expect(queued.allSatisfy { $0.origin == .sieveRedirect && $0.envelopeFrom == "sender@remote.test" })
        // RFC 5228 §4.2: the message itself, with our Received field on top for loop control.
        let text = try await fixture.queuedText(queued[0])
        #expect(text.hasPrefix("Received: from client.remote.test"))
        #expect(text.hasSuffix(String(decoding: DeliveryFixture.message(), as: UTF8.self)))
    }

    @Test func redirectFromTheNullSenderKeepsItNull() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.activate("redirect \"elsewhere@remote.test\";", for: "alice@example.test")
        #expect(await fixture.deliver(to: ["alice@example.test"], reversePath: "") == [.delivered])
        #expect(try await fixture.queued().map(\.envelopeFrom) == [""])   // RFC 5228 §4.2 MUST
    }

    @Test func tooManyRedirectsKeepTheMessageAndQueueNothing() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        let script = (1...5).map { "redirect \"r\($0)@remote.test\";" }.joined(separator: "\n")
        try await fixture.activate(script, for: "alice@example.test")
        #expect(await fixture.deliver(to: ["alice@example.test"]) == [.delivered])
        #expect(try await fixture.inbox("alice@example.test").count == 1)
        #expect(try await fixture.queued().isEmpty)
    }

    @Test func vacationRepliesOncePerSenderPerPeriod() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.activate("""
            require "vacation";
            vacation :days 7 "I am away until Monday.";
            """, for: "alice@example.test")
        #expect(await fixture.deliver(to: ["alice@example.test"], subject: "Lunch?") == [.delivered])
        #expect(await fixture.deliver(to: ["alice@example.test"], subject: "Lunch? (again)") == [.delivered])
        #expect(await fixture.deliver(to: ["alice@example.test"], reversePath: "other@remote.test") == [.delivered])
        #expect(try await fixture.inbox("alice@example.test").count == 3)   // vacation keeps the mail
        let queued = try await fixture.queued()
        #expect(queued.map(\.recipients) == [["sender@remote.test"], ["other@remote.test"]])
        #expect(queued.allSatisfy { $0.origin == .sieveVacation && $0.envelopeFrom == "" })   // RFC 5230 §5.1
        let reply = try await fixture.queuedText(queued[0])
        #expect(reply.contains("From: alice@example.test\r\n"))
        #expect(reply.contains("To: sender@remote.test\r\n"))
        #expect(reply.contains("Subject: Auto: Lunch?\r\n"))
        #expect(reply.contains("In-Reply-To: <m1@remote.test>\r\n"))
        #expect(reply.contains("References: <m1@remote.test>\r\n"))
        #expect(reply.contains("Auto-Submitted: auto-replied\r\n"))
        #expect(reply.contains("\r\n\r\nI am away until Monday.\r\n"))
    }

    @Test(arguments: [
        ["From: list@remote.test", "To: alice@example.test", "List-Id: <news.remote.test>", "Subject: news"],
        ["From: bot@remote.test", "To: alice@example.test", "Auto-Submitted: auto-generated", "Subject: report"],
        ["From: x@remote.test", "To: someone-else@remote.test", "Subject: bcc"],
    ])
    func vacationNeverAnswersListsAutomaticMailOrBcc(headers: [String]) async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.activate("require \"vacation\"; vacation \"away\";", for: "alice@example.test")
        #expect(await fixture.deliver(DeliveryFixture.message(headers: headers), to: ["alice@example.test"]) == [.delivered])
        #expect(try await fixture.queued().isEmpty)
        #expect(try await fixture.inbox("alice@example.test").count == 1)
    }

    @Test func vacationWithZeroSecondsRepliesEveryTime() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.activate("""
            require ["vacation", "vacation-seconds"];
            vacation :seconds 0 :subject "Away" "away";
            """, for: "alice@example.test")
        await fixture.deliver(to: ["alice@example.test"])
        await fixture.deliver(to: ["alice@example.test"])
        #expect(try await fixture.queued().count == 2)   // RFC 6131 §2: 0 means always reply
    }
}

@Suite struct SieveDuplicateIncludeTests {
    @Test func duplicateWorksAcrossDeliveries() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.activate("""
            require ["duplicate", "fileinto"];
            if duplicate { fileinto "Trash"; }
            """, for: "alice@example.test")
        #expect(await fixture.deliver(to: ["alice@example.test"]) == [.delivered])
        #expect(await fixture.deliver(to: ["alice@example.test"]) == [.delivered])
        #expect(await fixture.deliver(to: ["alice@example.test"]) == [.delivered])
        #expect(try await fixture.inbox("alice@example.test").count == 1)
        #expect(try await fixture.messages("alice@example.test", in: "Trash").count == 2)
        // Another account's records are its own.
        try await fixture.activate("require [\"duplicate\", \"fileinto\"]; if duplicate { fileinto \"Trash\"; }",
                                   for: "bob@example.test")
        await fixture.deliver(to: ["bob@example.test"])
        #expect(try await fixture.inbox("bob@example.test").count == 1)
    }

    @Test func duplicateByHeaderWithItsOwnHandle() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.activate("""
            require ["duplicate", "fileinto"];
            if duplicate :handle "by-subject" :header "subject" { fileinto "Trash"; }
            """, for: "alice@example.test")
        await fixture.deliver(to: ["alice@example.test"], subject: "one")
        await fixture.deliver(to: ["alice@example.test"], subject: "two")
        await fixture.deliver(to: ["alice@example.test"], subject: "one")
        #expect(try await fixture.inbox("alice@example.test").count == 2)
        #expect(try await fixture.messages("alice@example.test", in: "Trash").count == 1)
    }

    @Test func aRejectedRunRecordsNoDuplicate() async throws {
        // RFC 7352 §3.1: records are written only when the run finished successfully.
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.activate("""
            require ["duplicate", "fileinto", "ihave"];
            if duplicate { fileinto "Trash"; }
            error "boom";
            """, for: "bob@example.test")
        await fixture.deliver(to: ["bob@example.test"])
        // Had the failed run recorded the Message-ID, this delivery would go to Trash.
        try await fixture.activate("require [\"duplicate\", \"fileinto\"]; if duplicate { fileinto \"Trash\"; }",
                                   for: "bob@example.test")
        await fixture.deliver(to: ["bob@example.test"])
        #expect(try await fixture.inbox("bob@example.test").count == 2)
        await fixture.deliver(to: ["bob@example.test"])
        #expect(try await fixture.messages("bob@example.test", in: "Trash").count == 1)
    }

    @Test func includeOfAPersonalScript() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        let alice = try #require(try await fixture.store.account(address: "alice@example.test"))
        try await fixture.store.putSieveScript(accountID: alice.id, name: "newsletters", content: """
            require "fileinto";
            if header :contains "subject" "news" { fileinto "Archive"; stop; }
            """)
        try await fixture.activate("""
            require ["include", "fileinto"];
            include :personal "newsletters";
            fileinto "Junk";
            """, for: "alice@example.test")
        await fixture.deliver(to: ["alice@example.test"], subject: "weekly news")
        await fixture.deliver(to: ["alice@example.test"], subject: "hello")
        #expect(try await fixture.messages("alice@example.test", in: "Archive").count == 1)
        #expect(try await fixture.messages("alice@example.test", in: "Junk").count == 1)
        #expect(try await fixture.inbox("alice@example.test").isEmpty)
    }

    @Test func includeOfAMissingScriptIsARuntimeErrorUnlessOptional() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.activate("require [\"include\", \"fileinto\"]; include \"nope\"; fileinto \"Junk\";",
                                   for: "alice@example.test")
        try await fixture.activate("require [\"include\", \"fileinto\"]; include :optional \"nope\"; fileinto \"Junk\";",
                                   for: "bob@example.test")
        await fixture.deliver(to: ["alice@example.test", "bob@example.test"])
        #expect(try await fixture.inbox("alice@example.test").count == 1)
        #expect(try await fixture.messages("bob@example.test", in: "Junk").count == 1)
    }

    @Test func includeGlobalReadsTheAdministratorsDirectoryOnly() async throws {
        let fixture = try await DeliveryFixture(globalScripts: true)
        defer { fixture.cleanUp() }
        try fixture.writeGlobal("require \"fileinto\"; fileinto \"Archive\";", name: "archive-all")
        try await fixture.activate("require \"include\"; include :global \"archive-all\";", for: "alice@example.test")
        try await fixture.activate("require \"include\"; include :global \"../before\";", for: "bob@example.test")
        await fixture.deliver(to: ["alice@example.test", "bob@example.test"])
        #expect(try await fixture.messages("alice@example.test", in: "Archive").count == 1)
        #expect(try await fixture.inbox("bob@example.test").count == 1)   // a path is not a name
    }
}

@Suite struct SieveGlobalScriptTests {
    static let spamToJunk = """
        require "fileinto";
        if header :is "X-Spam-Flag" "YES" { fileinto "Junk"; stop; }
        """

    @Test func globalScriptFilesSpamIntoJunkBeforeTheUsersScript() async throws {
        let fixture = try await DeliveryFixture(globalScripts: true)
        defer { fixture.cleanUp() }
        try fixture.writeGlobal(Self.spamToJunk)
        try await fixture.activate("require \"fileinto\"; fileinto \"Archive\";", for: "alice@example.test")
        let spam = DeliveryFixture.message(headers: ["From: s@remote.test", "To: alice@example.test", "X-Spam-Flag: YES",
                                                     "Subject: win"])
        await fixture.deliver(spam, to: ["alice@example.test", "bob@example.test"])
        await fixture.deliver(to: ["alice@example.test", "bob@example.test"])
        // The global stop: the user's script did not run for spam.
        #expect(try await fixture.messages("alice@example.test", in: "Junk").count == 1)
        #expect(try await fixture.messages("alice@example.test", in: "Archive").count == 1)
        #expect(try await fixture.inbox("alice@example.test").isEmpty)
        // No user script: the global one alone.
        #expect(try await fixture.messages("bob@example.test", in: "Junk").count == 1)
        #expect(try await fixture.inbox("bob@example.test").count == 1)
    }

    @Test func globalActionsAccumulateWithTheUsersWhenItDoesNotStop() async throws {
        let fixture = try await DeliveryFixture(globalScripts: true)
        defer { fixture.cleanUp() }
        try fixture.writeGlobal("require \"imap4flags\"; addflag \"$Scanned\";")
        try await fixture.activate("require \"fileinto\"; fileinto \"Archive\";", for: "alice@example.test")
        await fixture.deliver(to: ["alice@example.test", "bob@example.test"])
        #expect(try await fixture.messages("alice@example.test", in: "Archive").count == 1)
        #expect(try await fixture.inbox("alice@example.test").isEmpty)
        let bob = try #require(try await fixture.inbox("bob@example.test").first)
        #expect(bob.flags.contains("$Scanned"))   // RFC 5232 §3: the implicit keep takes the flags
    }

    @Test(arguments: ["if true {", "require [\"fileinto\", \"ihave\"]; fileinto \"Junk\"; error \"x\";", nil])
    func aBrokenOrMissingGlobalScriptIsSkipped(source: String?) async throws {
        let fixture = try await DeliveryFixture(globalScripts: true)
        defer { fixture.cleanUp() }
        if let source { try fixture.writeGlobal(source) }
        try await fixture.activate("require \"fileinto\"; fileinto \"Archive\";", for: "alice@example.test")
        #expect(await fixture.deliver(to: ["alice@example.test", "bob@example.test"]) == [.delivered, .delivered])
        #expect(try await fixture.messages("alice@example.test", in: "Archive").count == 1)
        #expect(try await fixture.inbox("bob@example.test").count == 1)
    }
}

@Suite struct SieveRejectDeliveryTests {
    @Test func lmtpRejectsOnlyTheRefusingRecipient() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.activate("require \"reject\"; reject \"no thanks\";", for: "alice@example.test")
        let outcomes = await fixture.deliver(DeliveryFixture.message(), to: ["alice@example.test", "bob@example.test"],
                                             lmtp: true)
        #expect(outcomes == [.rejected(reason: "no thanks"), .delivered])
        #expect(try await fixture.allMessages("alice@example.test").isEmpty)
        #expect(try await fixture.inbox("bob@example.test").count == 1)
        #expect(try await fixture.queued().isEmpty)
    }

    @Test func smtpWithOneRefusingRecipientRejectsAtData() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.activate("require \"ereject\"; ereject \"Gone fishing\";", for: "alice@example.test")
        #expect(await fixture.deliver(to: ["alice@example.test"]) == [.rejected(reason: "Gone fishing")])
        #expect(try await fixture.allMessages("alice@example.test").isEmpty)
    }

    @Test func smtpWithAnotherAcceptingRecipientQueuesARejectionNotice() async throws {
        // RFC 5429 §2.1.2: accept, and send the sender a DSN for the refusing recipient.
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.activate("require \"reject\"; reject \"Déjà vu\";", for: "alice@example.test")
        #expect(await fixture.deliver(to: ["alice@example.test", "bob@example.test"]) == [.delivered, .delivered])
        #expect(try await fixture.allMessages("alice@example.test").isEmpty)
        let queued = try await fixture.queued()
        #expect(queued.map(\.origin) == [.sieveReject])
        #expect(queued.first?.envelopeFrom == "" && queued.first?.recipients == ["sender@remote.test"])
        let notice = try await fixture.queuedText(try #require(queued.first))
        #expect(notice.contains("report-type=delivery-status"))
        #expect(notice.contains("Déjà vu"))
        #expect(notice.contains("Final-Recipient: rfc822; alice@example.test\r\nAction: failed\r\nStatus: 5.7.1\r\n"))
        #expect(notice.contains("Message-ID: <m1@remote.test>"))
    }

    @Test func aNonASCIIReasonIsReplacedInTheReply() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.activate("require \"reject\"; reject \"Déjà vu\";", for: "alice@example.test")
        // RFC 5429 §2.1.1: reply text is US-ASCII.
        #expect(await fixture.deliver(to: ["alice@example.test"])
                == [.rejected(reason: "Message refused by the recipient's mail filter")])
    }
}

@Suite struct SieveRedirectLimitTests {
    @Test func redirectsOfTheGlobalAndTheUsersScriptAreBoundedTogether() async throws {
        let fixture = try await DeliveryFixture(globalScripts: true)
        defer { fixture.cleanUp() }
        try fixture.writeGlobal((1...4).map { "redirect \"g\($0)@remote.test\";" }.joined(separator: "\n"))
        try await fixture.activate("redirect \"mine@remote.test\";", for: "alice@example.test")
        #expect(await fixture.deliver(to: ["alice@example.test"]) == [.delivered])
        #expect(try await fixture.queued().count == 4)
        // The redirect that could not be done falls back to INBOX: the user's mail is not lost.
        #expect(try await fixture.inbox("alice@example.test").count == 1)
    }
}
