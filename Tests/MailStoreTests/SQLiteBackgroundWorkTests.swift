// Issue 8 (session 5): the work on earlier messages (full-text index rows, v10 sort keys) runs
// after the store opens, in bounded background batches that resume after a crash, while SORT and
// SEARCH answer right before, during and after it; and the indexer keeps up under constant load.
import Foundation
import GRDB
import Logging
import MailMessage
import Testing
@testable import MailStore

@Suite(.timeLimit(.minutes(1))) struct SQLiteBackgroundWorkTests {
    /// Background work held off for the length of a test, so "not done yet" holds until it says.
    static var heldOff: SQLiteMailStore.Configuration {
        var configuration = SQLiteMailStore.Configuration()
        configuration.backgroundWorkDelay = 3_600
        return configuration
    }

    static let corpus = SQLiteSortKeyTests.corpus + ["Subject: trip\r\n\r\nMeet me in Zanzibar\r\n"]

    /// Loads the corpus, then puts the rows where a store from before v6/v10 had them: no sort
    /// keys, no index rows, the migration's backfill cursor at its start.
    func loadAsBeforeTheUpgrade(_ fixture: SQLiteMailStoreFixture, _ behaviour: MailStoreBehaviour) async throws -> Mailbox {
        let account = try await behaviour.makeAccount("alice@example.test")
        for text in Self.corpus {
            let prepared = MessagePreparer.prepare(Array(text.utf8))
            _ = try await fixture.store.append([AppendRequest(accountID: account.id, content: prepared.content,
                                                              internalDate: Date(timeIntervalSince1970: 1_000),
                                                              metadata: prepared.metadata,
                                                              searchFields: prepared.searchFields)]).first?.get()
        }
        try await fixture.sqliteStore.pool.write { db in
            try db.execute(sql: """
                UPDATE messages SET sort_version = 0, sort_date = NULL, sort_subject = NULL, sort_reply = 0,
                    sort_from = NULL, sort_to = NULL, sort_cc = NULL, sort_display_from = NULL,
                    sort_display_to = NULL, thread_message_id = NULL, thread_references = NULL, fulltext = 0;
                DELETE FROM messages_fts;
                INSERT OR REPLACE INTO settings (key, value) VALUES ('\(SortKeyBackfill.cursorSetting)', 0);
                """)
        }
        return try await behaviour.inbox(account)
    }

    func pendingCounts(_ store: SQLiteMailStore) async throws -> [Int] {
        try await store.read { db in
            [try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM messages WHERE sort_version != ?",
                              arguments: [MessageSortKeys.version]) ?? -1,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM messages WHERE fulltext = 0") ?? -1,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM settings WHERE key = ?",
                              arguments: [SortKeyBackfill.cursorSetting]) ?? -1]
        }
    }

    func expectedRecords() -> [MessageSortKeys] {
        Self.corpus.map(SQLiteSortKeyTests.expectedKeys)
    }

    func open(_ directory: URL, _ configuration: SQLiteMailStore.Configuration) throws -> SQLiteMailStore {
        try SQLiteMailStore(directory: directory, logger: Logger(label: "test.mailstore.reopened"),
                            configuration: configuration)
    }

    /// Opening a store with earlier messages does none of their work; SORT reads the right keys
    /// (derived) and SEARCH misses nothing (every pending row is a candidate) until the backfills
    /// run, and the same answers, from the stored keys and the index, after.
    @Test func openingLeavesTheWorkToTheBackgroundAndAnswersStayRight() async throws {
        try await SQLiteMailStoreFixture.run(Self.heldOff) { fixture, behaviour in
            let inbox = try await loadAsBeforeTheUpgrade(fixture, behaviour)
            let store = try open(fixture.directory, Self.heldOff)
            defer { try? store.close() }
            #expect(try await pendingCounts(store) == [4, 4, 1])
            let uids: [UInt32] = [1, 2, 3, 4]
            #expect(try await store.sortRecords(mailboxID: inbox.id, uids: uids, fields: .all).map(\.keys)
                    == expectedRecords())
            #expect(try await store.fullTextCandidates(mailboxID: inbox.id, term: "zanzibar", field: .body) == [1, 2, 3, 4])

            #expect(try store.sortKeyBackfill.runToCompletion() == 4)
            #expect(try await store.indexPendingFullText() == 4)
            #expect(try await pendingCounts(store) == [0, 0, 0])
            #expect(try await store.sortRecords(mailboxID: inbox.id, uids: uids, fields: .all).map(\.keys)
                    == expectedRecords())
            #expect(try await store.fullTextCandidates(mailboxID: inbox.id, term: "zanzibar", field: .body) == [4])
            // Nothing left: a second run has nothing to do.
            #expect(try store.sortKeyBackfill.runToCompletion() == 0)
        }
    }

    /// Without being asked, both backfills finish shortly after open.
    @Test func theBackgroundWorkRunsByItself() async throws {
        try await SQLiteMailStoreFixture.run(Self.heldOff) { fixture, behaviour in
            let inbox = try await loadAsBeforeTheUpgrade(fixture, behaviour)
            let store = try open(fixture.directory, .init())
            defer { try? store.close() }
            var waited = 0
            while try await pendingCounts(store) != [0, 0, 0], waited < 250 {
                try await Task.sleep(for: .milliseconds(20))
                waited += 1
            }
            #expect(try await pendingCounts(store) == [0, 0, 0])
            #expect(try await store.sortRecords(mailboxID: inbox.id, uids: [1, 2, 3, 4], fields: .all).map(\.keys)
                    == expectedRecords())
            #expect(try await store.fullTextCandidates(mailboxID: inbox.id, term: "zanzibar", field: .body) == [4])
        }
    }

    /// The cursor moves with each committed batch: a process that stops after one batch (a
    /// crash, a restart) leaves the rest to the next, which resumes there and redoes nothing.
    @Test func theSortKeyBackfillResumesWhereItStopped() async throws {
        try await SQLiteMailStoreFixture.run(Self.heldOff) { fixture, behaviour in
            _ = try await loadAsBeforeTheUpgrade(fixture, behaviour)
            let logger = Logger(label: "test.sortkeys")
            let first = SortKeyBackfill.driver(pool: fixture.sqliteStore.pool, logger: logger, batchSize: 3)
            let batch = try #require(try first.runBatch())
            #expect(batch.looked == 3 && batch.stored == 3)
            let cursor = try await fixture.sqliteStore.read { db in
                try Int64.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [SortKeyBackfill.cursorSetting])
            }
            let firstThree = try await fixture.sqliteStore.read { db in
                try Int64.fetchAll(db, sql: "SELECT id FROM messages ORDER BY id LIMIT 3")
            }
            #expect(cursor == firstThree.last)
            #expect(try await pendingCounts(fixture.sqliteStore).first == 1)
            first.close()
            let second = SortKeyBackfill.driver(pool: fixture.sqliteStore.pool, logger: logger, batchSize: 3)
            #expect(try second.runToCompletion() == 1)
            #expect(try await pendingCounts(fixture.sqliteStore).first == 0)
            #expect(try second.runBatch() == nil)
        }
    }

    /// A new store has no cursor once its (empty) backfill ran; a row without a summary keeps
    /// version 0 and is passed over, not retried forever.
    @Test func rowsWithoutSummaryArePassedOver() async throws {
        try await SQLiteMailStoreFixture.run(Self.heldOff) { fixture, behaviour in
            let account = try await behaviour.makeAccount("alice@example.test")
            _ = try await behaviour.appendOne(account, MailStoreBehaviour.content("Subject: raw\r\n\r\nx\r\n"))
            #expect(try fixture.sqliteStore.sortKeyBackfill.runToCompletion() == 0)
            #expect(try await pendingCounts(fixture.sqliteStore) == [1, 1, 0])
        }
    }

    /// Under appends that never pause, the indexer still indexes, in paced batches, and leaves
    /// nothing behind once they stop.
    @Test func theIndexerKeepsUpWhileAppendsNeverPause() async throws {
        var configuration = SQLiteMailStore.Configuration()
        configuration.fullTextQuietPeriod = 3_600
        configuration.fullTextMaximumDelay = 0.02
        try await SQLiteMailStoreFixture.run(configuration) { fixture, behaviour in
            let account = try await behaviour.makeAccount("alice@example.test")
            var indexedMeanwhile = 0
            for round in 0..<30 {
                let requests = (0..<10).map { number in
                    let prepared = MessagePreparer.prepare(Array("Subject: \(round)-\(number)\r\n\r\nZanzibar \(round)\r\n".utf8))
                    return AppendRequest(accountID: account.id, content: prepared.content, metadata: prepared.metadata)
                }
                _ = try await fixture.store.append(requests)
                try await Task.sleep(for: .milliseconds(10))
                indexedMeanwhile = try await fixture.sqliteStore.read { db in
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM messages WHERE fulltext = 1") ?? 0
                }
            }
            // Indexed while appends went on, long before any pause of an hour.
            #expect(indexedMeanwhile > 0)
            var waited = 0
            while try await pendingCounts(fixture.sqliteStore)[1] != 0, waited < 250 {
                try await Task.sleep(for: .milliseconds(20))
                waited += 1
            }
            #expect(try await pendingCounts(fixture.sqliteStore)[1] == 0)
            let inbox = try await behaviour.inbox(account)
            #expect(try await fixture.store.fullTextCandidates(mailboxID: inbox.id, term: "zanzibar 29", field: .body)?.count == 10)
        }
    }
}
