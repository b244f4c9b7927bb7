// The folded SEARCH fields of "v12-search-fields" (issue 8): stored at append, copied with COPY,
// removed with the message, and rows without them (stored before the table) still searched
// through their summaries.
import Foundation
import GRDB
import MailMessage
import Synchronization
import Testing
@testable import MailStore

@Suite struct SQLiteFoldedSearchTests {
    static let corpus: [String] = [
        "From: Alice <alice@example.org>\r\nTo: Bob <bob@example.org>\r\nSubject: one\r\n\r\nx\r\n",
        "From: =?UTF-8?Q?J=C3=BCrgen?= <jg@example.org>\r\nSubject: two\r\n\r\nx\r\n",
        "From: Bob <bob@example.org>\r\nSubject: three\r\n\r\nx\r\n",
    ]

    /// UIDs 1-3 from the corpus, prepared as delivery prepares them; UID 4 without any summary.
    func load(_ behaviour: MailStoreBehaviour, _ account: Account) async throws {
        for text in Self.corpus {
            let prepared = MessagePreparer.prepare(Array(text.utf8))
            _ = try await behaviour.store.append([AppendRequest(accountID: account.id, content: prepared.content,
                                                                metadata: prepared.metadata,
                                                                searchFields: prepared.searchFields)]).first?.get()
        }
        _ = try await behaviour.store.append([AppendRequest(accountID: account.id,
                                                            content: MailStoreBehaviour.content("bare"))]).first?.get()
    }

    func storedRows(_ fixture: SQLiteMailStoreFixture) async throws -> Int {
        try await fixture.sqliteStore.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message_search") ?? -1 }
    }

    /// A test that records which path answered: folded fields containing "alice" or "jürgen"
    /// match; a summary is asked only through `summaryCalls`.
    final class Recorder: Sendable {
        let foldedValues = Mutex<[[UInt8]]>([])
        let summaryCalls = Mutex(0)

        var search: FoldedFieldSearch {
            FoldedFieldSearch(folded: { bytes in
                guard let fields = FoldedSearchFields.locate(in: bytes) else { return nil }
                let from = Array(fields.bytes(of: .from, in: bytes))
                self.foldedValues.withLock { $0.append(from) }
                let text = String(decoding: from, as: UTF8.self)
                return text.contains("alice") || text.contains("ju\u{308}rgen")
            }, summary: { data in
                self.summaryCalls.withLock { $0 += 1 }
                return (try? MessageSummary.decodeSearchText(data)).map { $0.from.contains("Alice") }
            })
        }
    }

    @Test func fieldsAreStoredAtAppendAndSearchedInPlace() async throws {
        try await SQLiteMailStoreFixture.run { fixture, behaviour in
            let account = try await behaviour.makeAccount("alice@example.test")
            try await load(behaviour, account)
            let inbox = try await behaviour.inbox(account)
            #expect(try await storedRows(fixture) == 3)
            let recorder = Recorder()
            let outcome = try await fixture.store.searchFoldedFields(mailboxID: inbox.id, uids: [1, 2, 3, 4], recorder.search)
            // UID 4 has neither folded fields nor a summary.
            #expect(outcome == SummarySearchOutcome(matched: [1, 2], undecided: [4]))
            #expect(recorder.summaryCalls.withLock { $0 } == 0)
            #expect(recorder.foldedValues.withLock { $0 } == [
                Array("alice <alice@example.org>".utf8), SearchFolding.fold("Jürgen <jg@example.org>"),
                Array("bob <bob@example.org>".utf8),
            ])
        }
    }

    @Test func rowsStoredBeforeTheTableAreSearchedThroughTheirSummaries() async throws {
        try await SQLiteMailStoreFixture.run { fixture, behaviour in
            let account = try await behaviour.makeAccount("alice@example.test")
            try await load(behaviour, account)
            let inbox = try await behaviour.inbox(account)
            // As after the upgrade: messages 1 and 3 have no folded fields.
            try await fixture.sqliteStore.pool.write { db in
                try db.execute(sql: """
                    DELETE FROM message_search WHERE message_id IN (SELECT id FROM messages WHERE uid IN (1, 3))
                    """)
            }
            let recorder = Recorder()
            let outcome = try await fixture.store.searchFoldedFields(mailboxID: inbox.id, uids: [1, 2, 3, 4], recorder.search)
            #expect(outcome == SummarySearchOutcome(matched: [1, 2], undecided: [4]))
            #expect(recorder.summaryCalls.withLock { $0 } == 2)
            #expect(recorder.foldedValues.withLock { $0.count } == 1)
        }
    }

    @Test func copiesKeepTheirFieldsAndExpungeRemovesThem() async throws {
        try await SQLiteMailStoreFixture.run { fixture, behaviour in
            let account = try await behaviour.makeAccount("alice@example.test")
            try await load(behaviour, account)
            let inbox = try await behaviour.inbox(account)
            let other = try await fixture.store.createMailbox(accountID: account.id, name: "Other", specialUse: nil)
            _ = try await fixture.store.copyMessages(from: inbox.id, uids: [1, 2, 4], to: other.id)
            #expect(try await storedRows(fixture) == 5)
            let recorder = Recorder()
            let copied = try await fixture.store.searchFoldedFields(mailboxID: other.id, uids: [1, 2, 3], recorder.search)
            #expect(copied == SummarySearchOutcome(matched: [1, 2], undecided: [3]))
            #expect(recorder.summaryCalls.withLock { $0 } == 0)
            _ = try await fixture.store.moveMessages(from: inbox.id, uids: [3], to: other.id)
            #expect(try await storedRows(fixture) == 5)
            _ = try await fixture.store.expunge(mailboxID: inbox.id, uids: [1])
            #expect(try await storedRows(fixture) == 4)
            try await fixture.store.deleteMailbox(accountID: account.id, name: "Other")
            #expect(try await storedRows(fixture) == 1)
        }
    }
}
