import Delivery
import Foundation
import MailStore
import Testing

@Suite struct SieveDeliveryTests {
    @Test func noActiveScriptDeliversToInbox() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        // A script that is stored but not active changes nothing.
        let alice = try #require(try await fixture.store.account(address: "alice@example.test"))
        try await fixture.store.putSieveScript(accountID: alice.id, name: "idle", content: "discard;")
        #expect(await fixture.deliver(to: ["alice@example.test"]) == [.delivered])
        #expect(try await fixture.inbox("alice@example.test").count == 1)
        #expect(try await fixture.allMessages("alice@example.test").count == 1)
    }

    @Test func fileintoExistingMailbox() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.activate("""
            require "fileinto";
            if header :contains "subject" "report" { fileinto "Archive"; }
            """, for: "alice@example.test")
        #expect(await fixture.deliver(to: ["alice@example.test"], subject: "Weekly report") == [.delivered])
        #expect(await fixture.deliver(to: ["alice@example.test"], subject: "Lunch?") == [.delivered])
        let archived = try await fixture.messages("alice@example.test", in: "Archive")
        #expect(archived.count == 1)
        #expect(try await fixture.text(of: try #require(archived.first)).contains("Subject: Weekly report\r\n"))
        let inbox = try await fixture.inbox("alice@example.test")
        #expect(inbox.count == 1)
        #expect(try await fixture.text(of: try #require(inbox.first)).contains("Subject: Lunch?\r\n"))
    }

    @Test func fileintoMissingMailboxWithoutCreateFallsBackToInbox() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.activate("require \"fileinto\"; fileinto \"Lists/Swift\";", for: "alice@example.test")
        #expect(await fixture.deliver(to: ["alice@example.test"]) == [.delivered])
        let alice = try #require(try await fixture.store.account(address: "alice@example.test"))
        // RFC 5228 §4.1: a missing mailbox is an error → implicit keep; nothing is created.
        #expect(try await fixture.store.mailbox(accountID: alice.id, name: "Lists/Swift") == nil)
        #expect(try await fixture.inbox("alice@example.test").count == 1)
    }

    @Test func fileintoCreateMakesTheMailbox() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.activate("require [\"fileinto\", \"mailbox\"]; fileinto :create \"Lists/Swift\";",
                                   for: "alice@example.test")
        #expect(await fixture.deliver(to: ["alice@example.test"]) == [.delivered])
        #expect(await fixture.deliver(to: ["alice@example.test"]) == [.delivered])
        #expect(try await fixture.messages("alice@example.test", in: "Lists/Swift").count == 2)
        #expect(try await fixture.inbox("alice@example.test").isEmpty)
    }

    @Test func imap4flagsEndUpOnTheStoredMessages() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.activate("""
            require ["imap4flags", "fileinto"];
            keep :flags ["\\\\Seen", "$Important"];
            fileinto :flags "\\\\Flagged" "Archive";
            """, for: "alice@example.test")
        #expect(await fixture.deliver(to: ["alice@example.test"]) == [.delivered])
        let inbox = try #require(try await fixture.inbox("alice@example.test").first)
        #expect(Set(inbox.flags) == ["\\Seen", "$Important"])
        let archived = try #require(try await fixture.messages("alice@example.test", in: "Archive").first)
        #expect(archived.flags == ["\\Flagged"])
        // Two copies of one content: the blob is shared.
        #expect(inbox.contentSHA256 == archived.contentSHA256)
    }

    @Test func discardStoresNothingButReportsDelivered() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.activate("discard;", for: "alice@example.test")
        #expect(await fixture.deliver(to: ["alice@example.test"]) == [.delivered])
        #expect(try await fixture.allMessages("alice@example.test").isEmpty)
    }

    @Test func subaddressDetailRoutes() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.activate("""
            require ["envelope", "subaddress", "fileinto"];
            if envelope :detail "to" "lists" { fileinto "Archive"; }
            """, for: "alice@example.test")
        #expect(await fixture.deliver(to: ["alice+lists@example.test"]) == [.delivered])
        #expect(await fixture.deliver(to: ["alice+other@example.test"]) == [.delivered])
        #expect(await fixture.deliver(to: ["alice@example.test"]) == [.delivered])
        #expect(try await fixture.messages("alice@example.test", in: "Archive").count == 1)
        #expect(try await fixture.inbox("alice@example.test").count == 2)
    }

    @Test func runtimeErrorKeepsInInbox() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        // RFC 5463 error: a run-time failure after discard; RFC 5228 §2.10.6 → implicit keep.
        try await fixture.activate("require \"ihave\"; discard; error \"filter broke\";", for: "alice@example.test")
        #expect(await fixture.deliver(to: ["alice@example.test"]) == [.delivered])
        #expect(try await fixture.inbox("alice@example.test").count == 1)
    }

    @Test func uncompilableScriptKeepsInInbox() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.activate("if true { fileinto \"Archive\"", for: "alice@example.test")
        for _ in 0..<2 {   // the second run reads the cached compile failure
            #expect(await fixture.deliver(to: ["alice@example.test"]) == [.delivered])
        }
        #expect(try await fixture.inbox("alice@example.test").count == 2)
        #expect(try await fixture.messages("alice@example.test", in: "Archive").isEmpty)
    }

    @Test func listMembersRunTheirOwnScripts() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.store.addAlias(address: "team@example.test",
                                         targets: ["alice@example.test", "bob@example.test", "carol@example.test"])
        try await fixture.activate("require \"fileinto\"; fileinto \"Archive\";", for: "alice@example.test")
        try await fixture.activate("discard;", for: "bob@example.test")
        #expect(await fixture.deliver(to: ["team@example.test"]) == [.delivered])
        #expect(try await fixture.messages("alice@example.test", in: "Archive").count == 1)
        #expect(try await fixture.inbox("alice@example.test").isEmpty)
        #expect(try await fixture.allMessages("bob@example.test").isEmpty)
        #expect(try await fixture.inbox("carol@example.test").count == 1)   // no script
    }

    @Test func editheaderChangesOnlyThatAccountsCopy() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.activate("""
            require "editheader";
            addheader "X-Filtered" "yes";
            deleteheader "Message-ID";
            """, for: "alice@example.test")
        #expect(await fixture.deliver(to: ["alice@example.test", "bob@example.test"]) == [.delivered, .delivered])
        let alice = try #require(try await fixture.inbox("alice@example.test").first)
        let bob = try #require(try await fixture.inbox("bob@example.test").first)
        let aliceText = try await fixture.text(of: alice)
        #expect(aliceText.contains("Delivered-To: alice@example.test\r\nX-Filtered: yes\r\nReceived: "))
        #expect(!aliceText.contains("Message-ID:"))
        #expect(aliceText.hasSuffix("\r\n\r\nHi there.\r\n"))
        let bobText = try await fixture.text(of: bob)
        #expect(!bobText.contains("X-Filtered"))
        #expect(bobText.contains("Message-ID: <m1@remote.test>\r\n"))
        #expect(alice.contentSHA256 != bob.contentSHA256)
    }

    @Test func fiftyRulesOverTwoHundredDeliveries() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        var script = "require [\"fileinto\", \"imap4flags\"];\n"
        for rule in 0..<50 {
            script += "if header :is \"subject\" \"topic-\(rule)\" { fileinto :flags \"$T\(rule)\" \"Archive\"; stop; }\n"
        }
        try await fixture.activate(script, for: "alice@example.test")
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            for index in 0..<200 {
                let outcome = await fixture.deliver(to: ["alice@example.test"], subject: "topic-\(index % 100)")
                try #require(outcome == [.delivered])
            }
        }
        print("sieve delivery: 200 messages through a 50-rule script in \(elapsed)")
        #expect(try await fixture.messages("alice@example.test", in: "Archive").count == 100)
        #expect(try await fixture.inbox("alice@example.test").count == 100)
    }
}

@Suite struct SieveDeliveryChangeTests {
    @Test func aChangedScriptTakesEffectOnTheNextDelivery() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.activate("require \"fileinto\"; fileinto \"Archive\";", for: "alice@example.test")
        await fixture.deliver(to: ["alice@example.test"])
        try await fixture.activate("require \"fileinto\"; fileinto \"Junk\";", for: "alice@example.test")
        await fixture.deliver(to: ["alice@example.test"])
        let alice = try #require(try await fixture.store.account(address: "alice@example.test"))
        try await fixture.store.activateSieveScript(accountID: alice.id, name: nil)
        await fixture.deliver(to: ["alice@example.test"])
        #expect(try await fixture.messages("alice@example.test", in: "Archive").count == 1)
        #expect(try await fixture.messages("alice@example.test", in: "Junk").count == 1)
        #expect(try await fixture.inbox("alice@example.test").count == 1)
    }
}
