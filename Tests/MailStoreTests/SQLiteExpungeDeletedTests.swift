// EXPUNGE's one-trip removal (issue 8): only \Deleted messages among the candidates go, each with
// the next MODSEQ, and the result matches the two-step default (read, then remove).
import Foundation
import MailStore
import Testing

@Suite struct SQLiteExpungeDeletedTests {
    @Test func removesOnlyDeletedCandidatesWithConsecutiveModSeqs() async throws {
        let fixture = try SQLiteMailStoreFixture()
        do {
            let behaviour = MailStoreBehaviour(fixture: fixture)
            let account = try await behaviour.makeAccount("alice@example.test")
            _ = try await fixture.store.append((1...6).map {
                AppendRequest(accountID: account.id, content: MailStoreBehaviour.content("m\($0)"))
            }).map { try $0.get() }
            let box = try await behaviour.inbox(account)
            let store = fixture.store
            _ = try await store.updateFlags(mailboxID: box.id, uids: [2, 3, 5], operation: .add, flags: ["\\Deleted"])
            let before = try #require(try await store.mailbox(accountID: account.id, name: "INBOX")).highestModSeq

            // 5 is \Deleted but not a candidate (the session was never told of it); 4 is a
            // candidate but not \Deleted.
            let removed = try await store.expungeDeleted(mailboxID: box.id, among: [1, 2, 3, 4])
            #expect(removed.map(\.uid) == [2, 3])
            #expect(removed.map(\.modSeq) == [before + 1, before + 2])
            #expect(try await store.messageIndex(mailboxID: box.id).map(\.uid) == [1, 4, 5, 6])
            #expect(try await store.expunged(mailboxID: box.id, sinceModSeq: before).map(\.uid) == [2, 3])
            let after = try #require(try await store.mailbox(accountID: account.id, name: "INBOX"))
            #expect(after.highestModSeq == before + 2)
            #expect(after.messageCount == 4)

            // Nothing \Deleted among the candidates: nothing changes, not even the MODSEQ.
            #expect(try await store.expungeDeleted(mailboxID: box.id, among: [1, 4]).isEmpty)
            #expect(try await store.expungeDeleted(mailboxID: box.id, among: []).isEmpty)
            #expect(try #require(try await store.mailbox(accountID: account.id, name: "INBOX")).highestModSeq == before + 2)
        } catch {
            await fixture.tearDown()
            throw error
        }
        await fixture.tearDown()
    }
}
