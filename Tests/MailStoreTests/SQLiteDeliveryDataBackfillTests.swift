// Issue 8 (session 9): a store upgraded from before migrations v11-v13 gets, in the background,
// the folded SEARCH fields and POP3 file columns a fresh append computes; SEARCH and the files
// POP3 sends answer the same before and after; the pass resumes from its cursor and goes past
// missing or damaged files.
import Foundation
import GRDB
import Logging
import MailMessage
import Synchronization
import Testing
@testable import MailStore

@Suite(.timeLimit(.minutes(1))) struct SQLiteDeliveryDataBackfillTests {
    /// Header lines, then a body: large bodies become files, the last one stays inline.
    static func corpus() -> [[UInt8]] {
        let body = SQLitePlainContentFileTests.lines(100_000)
        var dotted = body
        dotted[78] = UInt8(ascii: ".")
        dotted[78 * 40] = UInt8(ascii: ".")
        var unterminated = body
        unterminated[body.count - 1] = UInt8(ascii: "x")
        var manyDots = body
        for line in 0...DotLineOffsets.limit { manyDots[line * 78] = UInt8(ascii: ".") }
        let headers = [
            "From: Alice <alice@example.org>\r\nTo: Bob <bob@example.org>\r\nSubject: plain\r\n\r\n",
            "From: =?UTF-8?Q?J=C3=BCrgen?= <jg@example.org>\r\nSubject: dotted\r\n\r\n",
            "From: Bob <bob@example.org>\r\nCc: Carol <carol@example.org>\r\nSubject: unterminated\r\n\r\n",
            "From: Carol <carol@example.org>\r\nSubject: many dots\r\n\r\n",
            "From: Dave <dave@example.org>\r\nSubject: small\r\n\r\n",
        ].map { Array($0.utf8) }
        return zip(headers, [body, dotted, unterminated, manyDots, Array("hi\r\n".utf8)]).map { $0 + $1 }
    }

    static func open(_ directory: URL) throws -> SQLiteMailStore {
        try SQLiteMailStore(directory: directory, logger: Logger(label: "test.mailstore.reopened"),
                            configuration: SQLiteBackgroundWorkTests.heldOff)
    }

    /// The corpus in alice's INBOX (UIDs 1-5, then 6: a message without any summary), its first
    /// message also in bob's (one shared file), and UIDs 1-2 copied to alice's "Other".
    func load(_ fixture: SQLiteMailStoreFixture, _ behaviour: MailStoreBehaviour) async throws -> [Mailbox] {
        let alice = try await behaviour.makeAccount("alice@example.test")
        let bob = try await behaviour.makeAccount("bob@example.test")
        for (index, message) in Self.corpus().enumerated() {
            let prepared = MessagePreparer.prepare(message)
            for account in index == 0 ? [alice, bob] : [alice] {
                _ = try await fixture.store.append([AppendRequest(accountID: account.id, content: prepared.content,
                                                                  metadata: prepared.metadata,
                                                                  searchFields: prepared.searchFields)]).first?.get()
            }
        }
        _ = try await behaviour.appendOne(alice, MailStoreBehaviour.content("bare"))
        let inbox = try await behaviour.inbox(alice)
        let other = try await fixture.store.createMailbox(accountID: alice.id, name: "Other", specialUse: nil)
        _ = try await fixture.store.copyMessages(from: inbox.id, uids: [1, 2], to: other.id)
        return [inbox, other, try await behaviour.inbox(bob)]
    }

    /// Everything the backfill writes, in a comparable form.
    func stored(_ store: SQLiteMailStore) async throws -> [String] {
        try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT message_id, hex(folded) AS f FROM message_search ORDER BY message_id")
                .map { "search \($0["message_id"] as Int64) \($0["f"] as String)" }
            + Row.fetchAll(db, sql: """
                SELECT sha256, data IS NULL AS file, pop3_plain, hex(pop3_dot_offsets) AS d FROM blobs ORDER BY sha256
                """).map { "blob \($0["sha256"] as String) \($0["file"] as Bool) \(String(describing: $0["pop3_plain"] as Bool?)) \(String(describing: $0["d"] as String?))" }
        }
    }

    func cursor(_ store: SQLiteMailStore) async throws -> Int64? {
        try await store.read { db in
            try Int64.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [DeliveryDataBackfill.cursorSetting])
        }
    }

    /// The state of a store upgraded from before v11 (`pop3_plain` NULL) or from between v11 and
    /// v13 (`pop3_plain` kept, offsets NULL), with migration v14's cursor at its start; how many
    /// files the pass then scans, and how many messages are sent by file before it.
    static let upgradedFrom: [(blobsUpdate: String, scanned: Int, sentByFileBefore: Int)] = [
        ("UPDATE blobs SET pop3_plain = NULL, pop3_dot_offsets = NULL", 4, 0),
        // The plain file is known; the other three cannot be told from "computed: none".
        ("UPDATE blobs SET pop3_dot_offsets = NULL", 3, 3),
    ]

    func makeUpgraded(_ store: SQLiteMailStore, _ blobsUpdate: String) async throws {
        try await store.pool.write { db in
            try db.execute(sql: blobsUpdate)
            try db.execute(sql: "DELETE FROM message_search")
            try db.execute(sql: "INSERT OR REPLACE INTO settings (key, value) VALUES (?, 0)",
                           arguments: [DeliveryDataBackfill.cursorSetting])
        }
    }

    /// What SEARCH FROM "alice" / "jürgen" and a POP3 RETR by file see, per mailbox and UID.
    func answers(_ store: SQLiteMailStore, _ mailboxes: [Mailbox]) async throws -> [String] {
        var answers: [String] = []
        for mailbox in mailboxes {
            let search = FoldedFieldSearch(folded: { bytes in
                guard let fields = FoldedSearchFields.locate(in: bytes) else { return nil }
                let from = String(decoding: fields.bytes(of: .from, in: bytes), as: UTF8.self)
                return from.contains("alice") || from.contains("ju\u{308}rgen")
            }, summary: { data in
                (try? MessageSummary.decodeSearchText(data)).map {
                    let from = String(decoding: SearchFolding.fold($0.from), as: UTF8.self)
                    return from.contains("alice") || from.contains("ju\u{308}rgen")
                }
            })
            let outcome = try await store.searchFoldedFields(mailboxID: mailbox.id, uids: Array(1...6), search)
            answers.append("\(mailbox.name) search \(outcome.matched) \(outcome.undecided)")
            for uid in UInt32(1)...6 {
                guard let message = try await store.message(mailboxID: mailbox.id, uid: uid) else { continue }
                let file = try await store.plainContentFile(message)
                answers.append("\(mailbox.name) \(uid) file \(file.map { "\($0.dotLineOffsets) \(SQLitePlainContentFileTests.contents($0).count)" } ?? "none")")
            }
        }
        return answers
    }

    @Test(arguments: upgradedFrom)
    func anUpgradedStoreGetsWhatAFreshAppendComputes(upgrade: (blobsUpdate: String, scanned: Int, sentByFileBefore: Int)) async throws {
        try await SQLiteMailStoreFixture.run(SQLiteBackgroundWorkTests.heldOff) { fixture, behaviour in
            let mailboxes = try await load(fixture, behaviour)
            let fresh = try await stored(fixture.sqliteStore)
            let freshAnswers = try await answers(fixture.sqliteStore, mailboxes)
            // Plain file; dotted file (two offsets); shared by bob's copy: all three sent by file.
            #expect(freshAnswers.filter { $0.contains("file [") }.count == 5)
            try await makeUpgraded(fixture.sqliteStore, upgrade.blobsUpdate)
            let store = try Self.open(fixture.directory)
            defer { try? store.close() }
            #expect(try await stored(store) != fresh)
            // Before the backfill: the same SEARCH answers (through the summaries), no file sent as it lies.
            let before = try await answers(store, mailboxes)
            #expect(before.filter { $0.contains("search") } == freshAnswers.filter { $0.contains("search") })
            #expect(before.filter { $0.contains("file [") }.count == upgrade.sentByFileBefore)

            // 8 search rows (alice's 5 with a summary, bob's, 2 copies), and the files.
            #expect(try store.deliveryDataBackfill.runToCompletion() == 8 + upgrade.scanned)
            #expect(try await stored(store) == fresh)
            #expect(try await answers(store, mailboxes) == freshAnswers)
            #expect(try await cursor(store) == nil)
            #expect(try store.deliveryDataBackfill.runToCompletion() == 0)
        }
    }

    /// The cursor moves with each committed batch: a process stopped after one batch leaves the
    /// rest to the next, which resumes there and redoes nothing.
    @Test func anInterruptedBackfillResumesFromItsCursor() async throws {
        try await SQLiteMailStoreFixture.run(SQLiteBackgroundWorkTests.heldOff) { fixture, behaviour in
            _ = try await load(fixture, behaviour)
            let fresh = try await stored(fixture.sqliteStore)
            try await makeUpgraded(fixture.sqliteStore, Self.upgradedFrom[0].blobsUpdate)
            let logger = Logger(label: "test.deliverydata")
            let pool = fixture.sqliteStore.pool
            let first = DeliveryDataBackfill.driver(pool: pool, blobFiles: fixture.sqliteStore.blobFiles, logger: logger, batchSize: 3)
            // Alice's plain message, bob's copy of it (its file scanned once), alice's dotted one.
            #expect(try first.runBatch() == BackfillBatch(looked: 3, stored: 3 + 2))
            first.close()
            let ids = try await fixture.sqliteStore.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM messages ORDER BY id") }
            #expect(try await cursor(fixture.sqliteStore) == ids[2])
            let second = DeliveryDataBackfill.driver(pool: pool, blobFiles: fixture.sqliteStore.blobFiles, logger: logger, batchSize: 3)
            #expect(try second.runToCompletion() == 5 + 2)
            #expect(try await stored(fixture.sqliteStore) == fresh)
            #expect(try second.runBatch() == nil)
        }
    }

    /// A batch scans at most `batchBytes` of files (one file at least): a store of large
    /// messages is gone through in many short batches.
    @Test func aBatchIsBoundedInFileOctets() async throws {
        try await SQLiteMailStoreFixture.run(SQLiteBackgroundWorkTests.heldOff) { fixture, behaviour in
            _ = try await load(fixture, behaviour)
            try await makeUpgraded(fixture.sqliteStore, Self.upgradedFrom[0].blobsUpdate)
            let backfill = DeliveryDataBackfill.driver(pool: fixture.sqliteStore.pool, blobFiles: fixture.sqliteStore.blobFiles,
                                                logger: Logger(label: "test.deliverydata"), batchBytes: 1)
            // The plain file, then bob's message (same file: nothing to scan); the dotted file waits.
            #expect(try backfill.runBatch() == BackfillBatch(looked: 2, stored: 2 + 1))
            #expect(try backfill.runToCompletion() == 6 + 3)
        }
    }

    /// A missing file and one shorter than recorded are logged and left unknown (RETR streams
    /// them as before); the pass goes on and ends.
    @Test func missingOrDamagedFilesDoNotStopIt() async throws {
        try await SQLiteMailStoreFixture.run(SQLiteBackgroundWorkTests.heldOff) { fixture, behaviour in
            let mailboxes = try await load(fixture, behaviour)
            let freshAnswers = try await answers(fixture.sqliteStore, mailboxes)
            try await makeUpgraded(fixture.sqliteStore, Self.upgradedFrom[0].blobsUpdate)
            let store = fixture.sqliteStore
            let files = try await store.read { db in
                try String.fetchAll(db, sql: "SELECT content_sha256 FROM messages WHERE mailbox_id = ? AND uid IN (1, 2) ORDER BY uid",
                                    arguments: [mailboxes[0].id])
            }
            unlink(try store.blobFiles.path(for: files[0]))
            #expect(truncate(try store.blobFiles.path(for: files[1]), 1000) == 0)
            #expect(try store.deliveryDataBackfill.runToCompletion() == 8 + 2)
            #expect(try await cursor(store) == nil)
            let unknown = try await store.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM blobs WHERE data IS NULL AND pop3_plain IS NULL") ?? -1
            }
            #expect(unknown == 2)
            // Search answers as before; the two files are not handed out for sendfile.
            let after = try await answers(store, mailboxes)
            #expect(after.filter { $0.contains("search") } == freshAnswers.filter { $0.contains("search") })
            #expect(!after.contains { $0.contains("file [") })
        }
    }

    /// A store written after the upgrade: a message appended has its row already and is passed
    /// over; an expunged message (and its file, gone with its last reference) leaves no row.
    @Test func rowsWrittenAfterTheUpgradeAreLeftAlone() async throws {
        try await SQLiteMailStoreFixture.run(SQLiteBackgroundWorkTests.heldOff) { fixture, behaviour in
            let mailboxes = try await load(fixture, behaviour)
            try await makeUpgraded(fixture.sqliteStore, Self.upgradedFrom[0].blobsUpdate)
            let store = fixture.sqliteStore
            let account = try #require(await store.account(address: "alice@example.test"))
            let prepared = MessagePreparer.prepare(Array("From: Eve <eve@example.org>\r\nSubject: new\r\n\r\nx\r\n".utf8))
            _ = try await store.append([AppendRequest(accountID: account.id, content: prepared.content,
                                                      metadata: prepared.metadata, searchFields: prepared.searchFields)]).first?.get()
            _ = try await store.expunge(mailboxID: mailboxes[0].id, uids: [3])
            // 8 messages with a summary before, one expunged with its file; the new one has its row.
            #expect(try store.deliveryDataBackfill.runToCompletion() == 7 + 3)
            let rows = try await store.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message_search WHERE message_id NOT IN (SELECT id FROM messages)") ?? -1
            }
            #expect(rows == 0)
        }
    }

    /// A new store's migration leaves a cursor with nothing behind it: the first pass removes it.
    @Test func aNewStoreHasNothingToDo() async throws {
        try await SQLiteMailStoreFixture.run(SQLiteBackgroundWorkTests.heldOff) { fixture, behaviour in
            _ = try await behaviour.makeAccount("alice@example.test")
            #expect(try await cursor(fixture.sqliteStore) == 0)
            #expect(try fixture.sqliteStore.deliveryDataBackfill.runToCompletion() == 0)
            #expect(try await cursor(fixture.sqliteStore) == nil)
        }
    }
}
