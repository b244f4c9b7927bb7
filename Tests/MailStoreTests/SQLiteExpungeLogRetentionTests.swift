// The expunge log's retention (ExpungeLog): entries older than the retention are pruned by the
// next expunge or MOVE from the same mailbox, and the highest pruned MODSEQ becomes the floor.
import Foundation
import MailStore
import Testing

@Suite struct SQLiteExpungeLogRetentionTests {
    private func withStore(retention: TimeInterval,
                           _ body: (any MailStore, MailStoreBehaviour, Account, Mailbox) async throws -> Void) async throws {
        var configuration = SQLiteMailStore.Configuration()
        configuration.expungeLogRetention = retention
        let fixture = try SQLiteMailStoreFixture(configuration: configuration)
        do {
            let behaviour = MailStoreBehaviour(fixture: fixture)
            let account = try await behaviour.makeAccount("alice@example.test")
            _ = try await fixture.store.append((1...6).map {
                AppendRequest(accountID: account.id, content: MailStoreBehaviour.content("m\($0)"))
            }).map { try $0.get() }
            try await body(fixture.store, behaviour, account, try await behaviour.inbox(account))
        } catch {
            await fixture.tearDown()
            throw error
        }
        await fixture.tearDown()
    }

    @Test func defaultRetentionKeepsEveryRecentEntry() async throws {
        #expect(SQLiteMailStore.Configuration().expungeLogRetention >= 90 * 24 * 60 * 60)
        try await withStore(retention: SQLiteMailStore.Configuration.defaultExpungeLogRetention) { store, _, _, box in
            _ = try await store.expunge(mailboxID: box.id, uids: [1])
            _ = try await store.expunge(mailboxID: box.id, uids: [2])
            #expect(try await store.expunged(mailboxID: box.id, sinceModSeq: 0).map(\.uid) == [1, 2])
            #expect(try await store.expungeLogFloor(mailboxID: box.id) == 0)
        }
    }

    @Test func expiredEntriesArePrunedAndRaiseTheFloor() async throws {
        try await withStore(retention: 0.05) { store, behaviour, account, box in
            _ = try await store.expunge(mailboxID: box.id, uids: [1, 2])
            let logged = try await store.expunged(mailboxID: box.id, sinceModSeq: 0)
            try await Task.sleep(for: .milliseconds(120))
            _ = try await store.expunge(mailboxID: box.id, uids: [3])
            #expect(try await store.expunged(mailboxID: box.id, sinceModSeq: 0).map(\.uid) == [3])
            #expect(try await store.expungeLogFloor(mailboxID: box.id) == logged.map(\.modSeq).max())

            // MOVE prunes the source's log too.
            try await Task.sleep(for: .milliseconds(120))
            let archive = try #require(try await store.mailbox(accountID: account.id, name: "Archive"))
            _ = try await store.moveMessages(from: box.id, uids: [4], to: archive.id)
            let remaining = try await store.expunged(mailboxID: box.id, sinceModSeq: 0)
            #expect(remaining.map(\.uid) == [4])
            let floor = try await store.expungeLogFloor(mailboxID: box.id)
            #expect(floor > logged.map(\.modSeq).max() ?? 0 && floor < remaining[0].modSeq)
            #expect(try await behaviour.inbox(account).messageCount == 2)
        }
    }
}
