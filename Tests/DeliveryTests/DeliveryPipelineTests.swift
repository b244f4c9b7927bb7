import Delivery
import Foundation
import MailMessage
import MailStore
import Testing

@Suite struct DeliveryPipelineTests {
    @Test func storesOneCopyPerAccountWithTraceFields() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.store.addAlias(address: "team@example.test", targets: ["alice@example.test", "bob@example.test"])
        let outcomes = await fixture.pipeline.deliver(InboundMessage(
            bytes: DeliveryFixture.message(), reversePath: "sender@remote.test",
            recipients: ["alice@example.test", "team@example.test", "nobody@example.test"],
            trace: DeliveryFixture.trace()))
        #expect(outcomes == [.delivered, .delivered, .failed(.unknownUser)])

        // alice is reached twice (directly and through the list) and gets one copy.
        let alice = try await fixture.inbox("alice@example.test")
        let bob = try await fixture.inbox("bob@example.test")
        #expect(alice.count == 1)
        #expect(bob.count == 1)
        let text = try await fixture.text(of: try #require(alice.first))
        #expect(text.hasPrefix("Return-Path: <sender@remote.test>\r\nDelivered-To: alice@example.test\r\nReceived: from client.remote.test ([127.0.0.1])\r\n\tby mx.example.test (Facteur) with ESMTP\r\n\tid "))
        #expect(text.hasSuffix("Subject: Hello\r\nDate: Sun, 29 Nov 2026 10:00:00 +0000\r\nMessage-ID: <m1@remote.test>\r\n\r\nHi there.\r\n"))
        // Three recipients: no "for" clause naming one of them.
        #expect(!text.contains("\tfor <"))
        // The content is shared: one blob for both accounts.
        #expect(alice.first?.contentSHA256 == bob.first?.contentSHA256)
        #expect(try await fixture.text(of: try #require(bob.first)).contains("Delivered-To: bob@example.test\r\n"))
    }

    @Test func singleRecipientIsNamedInReceived() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        let outcomes = await fixture.pipeline.deliver(InboundMessage(
            bytes: DeliveryFixture.message(), reversePath: "", recipients: ["carol+x@example.test"],
            trace: DeliveryFixture.trace()))
        #expect(outcomes == [.delivered])
        let text = try await fixture.text(of: try #require(try await fixture.inbox("carol@example.test").first))
        #expect(text.hasPrefix("Return-Path: <>\r\nDelivered-To: carol@example.test\r\n"))
        #expect(text.contains("\tfor <carol+x@example.test>; "))
    }

    @Test func metadataIsParsedOnceAtDelivery() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        _ = await fixture.pipeline.deliver(InboundMessage(
            bytes: DeliveryFixture.message(subject: "=?utf-8?q?Caf=C3=A9?="), reversePath: "s@remote.test",
            recipients: ["alice@example.test"], trace: DeliveryFixture.trace()))
        let stored = try #require(try await fixture.inbox("alice@example.test").first)
        let summary = try MessageSummary.decode(stored.metadata)
        #expect(summary.search.subject == "Café")
    }

    @Test func overQuotaRecipientsAreRefusedAtRcptAndAtData() async throws {
        let fixture = try await DeliveryFixture(quota: 10)
        defer { fixture.cleanUp() }
        #expect(await fixture.pipeline.check(recipient: "bob@example.test") == nil)  // 0 bytes used yet
        let outcomes = await fixture.pipeline.deliver(InboundMessage(
            bytes: DeliveryFixture.message(), reversePath: "s@remote.test",
            recipients: ["bob@example.test", "alice@example.test"], trace: DeliveryFixture.trace()))
        #expect(outcomes == [.failed(.overQuota), .delivered])
        #expect(try await fixture.inbox("bob@example.test").isEmpty)
        #expect(await fixture.pipeline.check(recipient: "nobody@example.test") == .unknownUser)
        #expect(await fixture.pipeline.check(recipient: "alice@remote.test") == .notLocalDomain)
    }

    @Test func messageQuotaRefusesAtRcptOnceFullAndAtDataWhenItWouldOverflow() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.store.setMessageQuota(address: "bob@example.test", messages: 1)
        func deliver() async -> [RecipientOutcome] {
            await fixture.pipeline.deliver(InboundMessage(
                bytes: DeliveryFixture.message(), reversePath: "s@remote.test",
                recipients: ["bob@example.test"], trace: DeliveryFixture.trace()))
        }
        #expect(await fixture.pipeline.check(recipient: "bob@example.test") == nil)
        #expect(await deliver() == [.delivered])
        // RFC 9208 MESSAGE resource used up: refused before the data, and at the data as well.
        #expect(await fixture.pipeline.check(recipient: "bob@example.test") == .overQuota)
        #expect(await deliver() == [.failed(.overQuota)])
        #expect(try await fixture.inbox("bob@example.test").count == 1)
    }
}

@Suite struct DeliveryEnvelopeTests {
    @Test func dsnParametersAreKeptWithEachCopy() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        let envelope = DeliveryEnvelope(
            reversePath: "s@remote.test", body: "8BITMIME", dsnReturn: "HDRS", dsnEnvelopeID: "env-1",
            recipients: [.init(address: "alice@example.test", notify: "SUCCESS,FAILURE", originalRecipient: "rfc822;a@old.test"),
                         .init(address: "bob@example.test", notify: "NEVER")])
        let outcomes = await fixture.pipeline.deliver(InboundMessage(bytes: DeliveryFixture.message(), envelope: envelope,
                                                                     trace: DeliveryFixture.trace()))
        #expect(outcomes == [.delivered, .delivered])
        let alice = try #require(try await fixture.inbox("alice@example.test").first)
        let stored = try DeliveryEnvelope.decode(try #require(try await fixture.store.deliveryEnvelope(of: alice)))
        #expect(stored.dsnEnvelopeID == "env-1")
        #expect(stored.dsnReturn == "HDRS")
        #expect(stored.recipients == [.init(address: "alice@example.test", notify: "SUCCESS,FAILURE", originalRecipient: "rfc822;a@old.test")])
        let bob = try #require(try await fixture.inbox("bob@example.test").first)
        #expect(try DeliveryEnvelope.decode(try #require(try await fixture.store.deliveryEnvelope(of: bob))).recipients.map(\.notify) == ["NEVER"])
    }
}
