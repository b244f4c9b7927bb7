// Committed changes handed to observers on the committing thread (MailStore.observeChanges): seen
// before the writer is answered, stopped by cancel, ended by the store closing.
import Foundation
@testable import MailStore
import Synchronization
import Testing

@Suite struct SQLiteChangeObservationTests {
    @Test func observersSeeEachCommitBeforeItsWriterIsAnswered() async throws {
        try await SQLiteMailStoreFixture.run { fixture, behaviour in
            let store = fixture.sqliteStore
            let account = try await behaviour.makeAccount("alice@example.test")
            let seen = Mutex<[MailboxChange]>([])
            let observation = try #require(store.observeChanges { changes in seen.withLock { $0 += changes } })
            for round in 1...5 {
                let appended = try await behaviour.appendOne(account, MailStoreBehaviour.content("Subject: \(round)\r\n\r\nx\r\n"))
                // No waiting: the observer ran inside the commit, before `append` returned.
                #expect(seen.withLock { $0.last }?.modSeq == appended.modSeq)
                let box = try await behaviour.inbox(account)
                let flagged = try await store.updateFlags(mailboxID: box.id, uids: [appended.uid], operation: .add,
                                                          flags: ["\\Seen"])
                #expect(seen.withLock { $0.last }?.modSeq == flagged.first?.modSeq)
            }
            #expect(seen.withLock { $0.count } == 10)
            observation.cancel()
            _ = try await behaviour.appendOne(account, MailStoreBehaviour.content("Subject: after\r\n\r\nx\r\n"))
            #expect(seen.withLock { $0.count } == 10)
            await observation.ended()   // already over: returns at once
        }
    }

    @Test func closingTheStoreEndsTheObservation() async throws {
        let fixture = try SQLiteMailStoreFixture()
        let observation = try #require(fixture.sqliteStore.observeChanges { _ in })
        #expect(!observation.isEnded)
        async let ended: Void = observation.ended()
        await fixture.tearDown()
        await ended
        #expect(observation.isEnded)
    }

    @Test func cancellingTheWaitingTaskEndsTheObservation() async throws {
        try await SQLiteMailStoreFixture.run { fixture, _ in
            let observation = try #require(fixture.sqliteStore.observeChanges { _ in })
            let waiter = Task { await observation.ended() }
            waiter.cancel()
            await waiter.value
            #expect(observation.isEnded)
        }
    }
}
