// Checkpoints off the commit path (WALCheckpointer, issue 8): the writer no longer checkpoints
// inside its commits, the checkpointer does once the WAL is long, and nothing is lost by it.
import Foundation
import GRDB
@testable import MailStore
import Testing

@Suite struct SQLiteWALCheckpointTests {
    /// SQLite answers `PRAGMA wal_autocheckpoint` with 0 once another WAL hook replaced its own.
    @Test(arguments: [(0, 1_000), (1_000, 0)])
    func theWriterCheckpointsInsideCommitsOnlyWithoutACheckpointer(frames: Int, writerAutocheckpoint: Int) async throws {
        var configuration = SQLiteMailStore.Configuration()
        configuration.walCheckpointFrames = frames
        try await SQLiteMailStoreFixture.run(configuration) { fixture, _ in
            let store = fixture.sqliteStore
            #expect((store.checkpointer != nil) == (frames > 0))
            let setting = try await store.pool.writeWithoutTransaction { db in
                try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint")
            }
            #expect(setting == writerAutocheckpoint)
        }
    }

    @Test func aLongWALIsCheckpointedAndEveryMessageStays() async throws {
        var configuration = SQLiteMailStore.Configuration()
        configuration.walCheckpointFrames = 8
        try await SQLiteMailStoreFixture.run(configuration) { fixture, behaviour in
            let store = fixture.sqliteStore
            let account = try await behaviour.makeAccount("alice@example.test")
            for number in 0..<40 {
                _ = try await behaviour.appendOne(account, MailStoreBehaviour.content("Subject: \(number)\r\n\r\nbody \(number)\r\n"))
            }
            let checkpointer = try #require(store.checkpointer)
            var waited = 0
            while checkpointer.runs == 0 && waited < 200 {
                try await Task.sleep(for: .milliseconds(10))
                waited += 1
            }
            #expect(checkpointer.runs > 0)
            let box = try await behaviour.inbox(account)
            #expect(try await store.messages(mailboxID: box.id).count == 40)
            try store.close()
            let reopened = try SQLiteMailStore(directory: fixture.directory, logger: .init(label: "test.reopen"))
            defer { try? reopened.close() }
            let again = try #require(try await reopened.mailbox(accountID: account.id, name: "INBOX"))
            #expect(try await reopened.messages(mailboxID: again.id).map(\.uid) == Array(1...40))
        }
    }
}

extension SQLiteWALCheckpointTests {
    /// A WAL the checkpointer never catches up with (commits keep coming while it copies) is
    /// checkpointed by the writer itself once it passes eight times the threshold.
    @Test func theWriterCheckpointsItselfOnlyPastEightTimesTheThreshold() async throws {
        var configuration = SQLiteMailStore.Configuration()
        configuration.walCheckpointFrames = 100
        try await SQLiteMailStoreFixture.run(configuration) { fixture, _ in
            let checkpointer = try #require(fixture.sqliteStore.checkpointer)
            #expect(checkpointer.committed(walFrames: 99) == false)
            #expect(checkpointer.committed(walFrames: 150) == false)
            #expect(checkpointer.committed(walFrames: 799) == false)
            #expect(checkpointer.committed(walFrames: 800) == true)
        }
    }
}
