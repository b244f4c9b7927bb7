// Issue 8: DATA reuses what RCPT TO resolved (one store read per recipient instead of two), and
// the lookup carries the account's active Sieve script (no second read for it).
import Delivery
import Foundation
import MailStore
import Testing

@Suite struct RecentResolutionsTests {
    func deliver(_ recipient: String, _ fixture: DeliveryFixture) async -> [RecipientOutcome] {
        await fixture.pipeline.deliver(InboundMessage(
            bytes: DeliveryFixture.message(), reversePath: "sender@remote.test", recipients: [recipient],
            trace: DeliveryFixture.trace()))
    }

    /// The DATA of a transaction uses the resolution of its own RCPT (or a newer one): a list
    /// changed in between still reaches the members it had at RCPT, and the next RCPT sees the change.
    @Test func dataUsesTheResolutionOfItsRCPT() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.store.addAlias(address: "team@example.test", targets: ["alice@example.test"])
        #expect(await fixture.pipeline.check(recipient: "team@example.test") == nil)
        try await fixture.store.removeAlias(address: "team@example.test")
        try await fixture.store.addAlias(address: "team@example.test", targets: ["bob@example.test"])
        #expect(await deliver("team@example.test", fixture) == [.delivered])
        #expect(try await fixture.inbox("alice@example.test").count == 1)
        #expect(try await fixture.inbox("bob@example.test").count == 0)

        #expect(await fixture.pipeline.check(recipient: "team@example.test") == nil)
        #expect(await deliver("team@example.test", fixture) == [.delivered])
        #expect(try await fixture.inbox("alice@example.test").count == 1)
        #expect(try await fixture.inbox("bob@example.test").count == 1)
    }

    /// An RCPT that finds nothing forgets the earlier answer: the DATA resolves afresh.
    @Test func anUnknownRecipientAtRCPTIsNotServedFromAnOlderAnswer() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.store.addAlias(address: "gone@example.test", targets: ["alice@example.test"])
        #expect(await fixture.pipeline.check(recipient: "gone@example.test") == nil)
        try await fixture.store.removeAlias(address: "gone@example.test")
        #expect(await fixture.pipeline.check(recipient: "gone@example.test") == .unknownUser)
        #expect(await deliver("gone@example.test", fixture) == [.failed(.unknownUser)])
        #expect(try await fixture.inbox("alice@example.test").isEmpty)
    }

    /// A delivery that no RCPT preceded (LMTP from a test, an import) resolves from the store.
    @Test func deliveryWithoutRCPTResolvesFromTheStore() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.store.addAlias(address: "team@example.test", targets: ["alice@example.test"])
        #expect(await deliver("team@example.test", fixture) == [.delivered])
        try await fixture.store.removeAlias(address: "team@example.test")
        try await fixture.store.addAlias(address: "team@example.test", targets: ["bob@example.test"])
        #expect(await deliver("team@example.test", fixture) == [.delivered])
        #expect(try await fixture.inbox("bob@example.test").count == 1)
    }

    @Test func lookUpCarriesTheActiveSieveScript() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        let alice = try #require(try await fixture.store.account(address: "alice@example.test"))
        #expect(try await fixture.store.lookUp(address: "alice@example.test").sieveScript == .noActiveScript)
        try await fixture.store.putSieveScript(accountID: alice.id, name: "main", content: "keep;")
        #expect(try await fixture.store.lookUp(address: "alice@example.test").sieveScript == .noActiveScript)
        try await fixture.store.activateSieveScript(accountID: alice.id, name: "main")
        #expect(try await fixture.store.lookUp(address: "alice@example.test").sieveScript
                == .active(ActiveSieveScript(name: "main", content: "keep;")))
        // An alias is not an account: it has no script of its own.
        try await fixture.store.addAlias(address: "team@example.test", targets: ["alice@example.test"])
        #expect(try await fixture.store.lookUp(address: "team@example.test").sieveScript == nil)
    }

    /// A script activated after RCPT runs for the next transaction: every RCPT reads it afresh.
    @Test func aScriptActivatedBeforeRCPTRuns() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        let alice = try #require(try await fixture.store.account(address: "alice@example.test"))
        #expect(await fixture.pipeline.check(recipient: "alice@example.test") == nil)
        #expect(await deliver("alice@example.test", fixture) == [.delivered])
        try await fixture.store.putSieveScript(accountID: alice.id, name: "main", content: "discard;")
        try await fixture.store.activateSieveScript(accountID: alice.id, name: "main")
        #expect(await fixture.pipeline.check(recipient: "alice@example.test") == nil)
        #expect(await deliver("alice@example.test", fixture) == [.delivered])
        #expect(try await fixture.inbox("alice@example.test").count == 1)
    }
}
