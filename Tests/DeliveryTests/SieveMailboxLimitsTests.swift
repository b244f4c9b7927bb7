// `fileinto :create` respects `[limits]` on mailboxes: past a limit the copy lands in INBOX and
// nothing is created (the same rule IMAP CREATE answers with NO [LIMIT]).

import Delivery
import MailStore
import Testing

@Suite struct SieveMailboxLimitsTests {
    @Test(arguments: [
        ("a/b/c/d", "depth"),
        (String(repeating: "n", count: 41), "name length"),
    ])
    func createPastALimitFilesIntoInbox(mailbox: String, limit: String) async throws {
        let fixture = try await DeliveryFixture(mailboxLimits: MailboxLimits(maxNameLength: 40, maxDepth: 3))
        defer { fixture.cleanUp() }
        try await fixture.activate("require [\"fileinto\", \"mailbox\"]; fileinto :create \"\(mailbox)\";",
                                   for: "alice@example.test")
        let account = try #require(try await fixture.store.account(address: "alice@example.test"))
        let before = try await fixture.store.mailboxes(accountID: account.id).map(\.name)
        #expect(await fixture.deliver(to: ["alice@example.test"]) == [.delivered])
        #expect(try await fixture.inbox("alice@example.test").count == 1, "\(limit)")
        #expect(try await fixture.store.mailboxes(accountID: account.id).map(\.name) == before)
    }

    @Test func createWithinTheLimitsStillWorksUntilTheCountIsReached() async throws {
        // The account starts with a few mailboxes (INBOX and the special-use ones): allow one more.
        let probe = try await DeliveryFixture()
        let probeAccount = try #require(try await probe.store.account(address: "alice@example.test"))
        let initial = try await probe.store.mailboxes(accountID: probeAccount.id).count
        probe.cleanUp()
        let fixture = try await DeliveryFixture(mailboxLimits: MailboxLimits(maxMailboxesPerAccount: initial + 1, maxDepth: 3))
        defer { fixture.cleanUp() }
        try await fixture.activate("require [\"fileinto\", \"mailbox\"]; fileinto :create \"abc\";",
                                   for: "alice@example.test")
        let account = try #require(try await fixture.store.account(address: "alice@example.test"))
        #expect(await fixture.deliver(to: ["alice@example.test"]) == [.delivered])
        #expect(try await fixture.messages("alice@example.test", in: "abc").count == 1)
        // Now at the count: a new name is refused, the copy goes to INBOX.
        try await fixture.activate("require [\"fileinto\", \"mailbox\"]; fileinto :create \"other\";",
                                   for: "alice@example.test")
        let inboxBefore = try await fixture.inbox("alice@example.test").count
        #expect(await fixture.deliver(to: ["alice@example.test"]) == [.delivered])
        #expect(try await fixture.inbox("alice@example.test").count == inboxBefore + 1)
        #expect(!(try await fixture.store.mailboxes(accountID: account.id).map(\.name)).contains("other"))
    }

    @Test(arguments: [
        ("fits", 10, 3, 0, nil as String?),
        ("x/y/z/w", 10, 3, 0, "mailbox hierarchy deeper than 3 levels"),
        ("ok", 10, 3, 10, "account has 10 mailboxes"),
    ])
    func violation(name: String, maxCount: Int, depth: Int, existing: Int, expected: String?) {
        let limits = MailboxLimits(maxMailboxesPerAccount: maxCount, maxNameLength: 40, maxDepth: depth)
        #expect(limits.violation(creating: name, existingCount: existing) == expected)
    }
}
