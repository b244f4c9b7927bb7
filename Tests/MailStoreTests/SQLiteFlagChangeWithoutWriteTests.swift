// A flag change that changes no flag is answered from a read, without the writer (issue 8,
// imap-mix STORE p99); one that changes a flag still waits for its commit. The writer is held
// busy by a blocking closure on GRDB's writer queue, the way a long batch would hold it.
import Foundation
import GRDB
import Synchronization
import Testing
@testable import MailStore

@Suite struct SQLiteFlagChangeWithoutWriteTests {
    /// Holds the store's writer until `release()`; a watchdog releases it after 10 s so that a
    /// regression fails the test instead of hanging it.
    private final class HeldWriter: Sendable {
        private let gate = DispatchSemaphore(value: 0)
        private let released = Mutex(false)

        init(_ store: SQLiteMailStore) async {
            await withCheckedContinuation { (entered: CheckedContinuation<Void, Never>) in
                store.pool.asyncWriteWithoutTransaction { [gate] _ in
                    entered.resume()
                    gate.wait()
                }
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + 10) { [self] in release() }
        }

        /// True when the writer was still held (the watchdog had not fired).
        @discardableResult
        func release() -> Bool {
            let first = released.withLock { released in
                defer { released = true }
                return !released
            }
            if first { gate.signal() }
            return first
        }
    }

    @Test func aChangeOfNothingAnswersWhileTheWriterIsBusyAndAChangeWaitsForIt() async throws {
        try await SQLiteMailStoreFixture.run { fixture, behaviour in
            let account = try await behaviour.makeAccount("noop@example.test")
            let inbox = try await behaviour.inbox(account)
            let seen = try await behaviour.appendOne(account, MailStoreBehaviour.content("Subject: a\r\n\r\nx\r\n"),
                                                     flags: ["\\Seen"])
            let unseen = try await behaviour.appendOne(account, MailStoreBehaviour.content("Subject: b\r\n\r\nx\r\n"))
            let store = fixture.sqliteStore
            let before = try #require(await store.messages(mailboxID: inbox.id, uids: [seen.uid]).first)

            let writer = await HeldWriter(store)
            // +FLAGS (\Seen) on a message that has it: answered with its current state and MODSEQ.
            let unchanged = try await store.updateFlags(mailboxID: inbox.id, uids: [seen.uid], operation: .add,
                                                        flags: ["\\Seen"])
            #expect(unchanged.map(\.uid) == [seen.uid])
            #expect(unchanged.first?.flags == before.flags)
            #expect(unchanged.first?.modSeq == before.modSeq)
            // RFC 7162 §3.1.3: UNCHANGEDSINCE below the message's MODSEQ fails the test, a read too.
            let conditional = try await store.updateFlags(mailboxID: inbox.id, uids: [seen.uid], operation: .remove,
                                                          flags: ["\\Seen"], unchangedSince: before.modSeq - 1)
            #expect(conditional.updated.isEmpty)
            #expect(conditional.modified.map(\.uid) == [seen.uid])

            // A real change waits for the writer: not answered while it is held.
            let answered = Mutex(false)
            let change = Task {
                let updated = try await store.updateFlags(mailboxID: inbox.id, uids: [unseen.uid], operation: .add,
                                                          flags: ["\\Seen"])
                answered.withLock { $0 = true }
                return updated
            }
            try await Task.sleep(for: .milliseconds(100))
            #expect(!answered.withLock { $0 })
            #expect(writer.release(), "the no-op flag changes waited for the writer")
            let updated = try await change.value
            #expect(updated.first?.flags.contains("\\Seen") == true)
            #expect((updated.first?.modSeq ?? 0) > before.modSeq)
        }
    }

    @Test func aChangeOfNothingOnAMissingMailboxStillFailsAsNotFound() async throws {
        try await SQLiteMailStoreFixture.run { fixture, behaviour in
            await behaviour.expectError(.notFound("")) {
                _ = try await fixture.sqliteStore.updateFlags(mailboxID: 999_999, uids: [1], operation: .add,
                                                              flags: ["\\Seen"])
            }
        }
    }
}
