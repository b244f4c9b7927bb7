@testable import Delivery
import Logging
import MailStore
import Testing

@Suite struct RecipientResolverTests {
    func resolve(_ address: String, in fixture: DeliveryFixture) async throws -> RecipientResolution {
        try await RecipientResolver(store: fixture.store, configuration: DeliveryConfiguration(hostname: "mx"))
            .resolve(address)
    }

    func accounts(_ resolution: RecipientResolution) -> [String] {
        guard case .local(let recipients, _) = resolution else { return [] }
        return recipients.map(\.account.address).sorted()
    }

    @Test func accountsResolveCaseInsensitively() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        #expect(accounts(try await resolve("alice@example.test", in: fixture)) == ["alice@example.test"])
        #expect(accounts(try await resolve("ALICE@Example.TEST", in: fixture)) == ["alice@example.test"])
    }

    @Test func unknownUserAndForeignDomainAreTold() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        #expect(try await resolve("nobody@example.test", in: fixture) == .unknownUser)
        #expect(try await resolve("alice@elsewhere.test", in: fixture) == .notLocalDomain)
        #expect(try await resolve("not-an-address", in: fixture) == .invalidAddress)
    }

    @Test func detailAddressingReachesTheUserAndKeepsTheDetail() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        let resolution = try await resolve("alice+news@example.test", in: fixture)
        guard case .local(let recipients, _) = resolution else { Issue.record("not resolved: \(resolution)"); return }
        #expect(recipients.map(\.account.address) == ["alice@example.test"])
        #expect(recipients.first?.detail == "news")
        #expect(try await resolve("nobody+news@example.test", in: fixture) == .unknownUser)
    }

    @Test func listsExpandNestedAndLoopSafe() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.store.addAlias(address: "team@example.test", targets: ["alice@example.test", "devs@example.test"])
        try await fixture.store.addAlias(address: "devs@example.test", targets: ["bob@example.test", "team@example.test", "alice@example.test"])
        #expect(accounts(try await resolve("team@example.test", in: fixture)) == ["alice@example.test", "bob@example.test"])
        #expect(accounts(try await resolve("devs@example.test", in: fixture)) == ["alice@example.test", "bob@example.test"])
    }

    @Test func remoteTargetsAreReportedNotDelivered() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.store.addAlias(address: "mixed@example.test", targets: ["carol@example.test", "friend@remote.test"])
        let resolution = try await resolve("mixed@example.test", in: fixture)
        #expect(resolution == .local(
            [ResolvedRecipient(account: try #require(try await fixture.store.account(address: "carol@example.test")),
                               detail: nil, originalRecipient: "mixed@example.test", sieveScript: .noActiveScript)],
            remoteTargets: ["friend@remote.test"]))
        try await fixture.store.addAlias(address: "away@example.test", targets: ["friend@remote.test"])
        #expect(try await resolve("away@example.test", in: fixture) == .unknownUser)
    }

    @Test func catchAllTakesUnknownLocalParts() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        try await fixture.store.setCatchAll(domain: "example.test", target: "carol@example.test")
        #expect(accounts(try await resolve("whoever@example.test", in: fixture)) == ["carol@example.test"])
        #expect(accounts(try await resolve("alice@example.test", in: fixture)) == ["alice@example.test"])
    }

    @Test func deepAliasChainsStop() async throws {
        let fixture = try await DeliveryFixture()
        defer { fixture.cleanUp() }
        for level in 0..<30 {
            try await fixture.store.addAlias(address: "l\(level)@example.test", targets: ["l\(level + 1)@example.test"])
        }
        try await fixture.store.addAlias(address: "l30@example.test", targets: ["alice@example.test"])
        // Beyond the depth limit nothing is reached: the address is refused, not looped on.
        #expect(try await resolve("l0@example.test", in: fixture) == .unknownUser)
        #expect(accounts(try await resolve("l25@example.test", in: fixture)) == ["alice@example.test"])
    }
}
