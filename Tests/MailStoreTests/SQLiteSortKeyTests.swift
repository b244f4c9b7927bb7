// The SORT/THREAD key columns of "v10-sort-keys" (issue 8): stored at append, copied with COPY,
// read narrowly, and derived from the summary for rows stored before the columns existed.
import Foundation
import GRDB
import Logging
import MailMessage
import Testing
@testable import MailStore

@Suite struct SQLiteSortKeyTests {
    static let corpus: [String] = [
        "From: \"Zoe Q\" <zoe@example.net>\r\nTo: Bob <bob@example.org>\r\nCc: carol@example.com\r\n"
            + "Subject: Re: [list] Budget (fwd)\r\nDate: Mon, 2 Mar 2026 10:00:00 +0100\r\n"
            + "Message-ID: <m1@example.net>\r\nReferences: <r0@x> <r1@x>\r\n\r\nbody\r\n",
        "From: adam@example.net\r\nSubject: =?utf-8?q?=C3=A9t=C3=A9?=\r\nIn-Reply-To: <m1@example.net>\r\n\r\nno date\r\n",
        "Subject: plain\r\nDate: not a date\r\n\r\nx\r\n",
    ]

    static func expectedKeys(_ text: String) -> MessageSortKeys {
        MessageSortKeys(summary: MessageParser.parse(Array(text.utf8)).summary)
    }

    func load(_ behaviour: MailStoreBehaviour, _ account: Account) async throws {
        for text in Self.corpus {
            let prepared = MessagePreparer.prepare(Array(text.utf8))
            let request = AppendRequest(accountID: account.id, content: prepared.content,
                                        internalDate: Date(timeIntervalSince1970: 1_000), metadata: prepared.metadata,
                                        searchFields: prepared.searchFields)
            _ = try await behaviour.store.append([request]).first?.get()
        }
    }

    /// A store held back from its own background work, so the backfill runs only when a test says.
    static var heldOff: SQLiteMailStore.Configuration {
        var configuration = SQLiteMailStore.Configuration()
        configuration.backgroundWorkDelay = 3_600
        return configuration
    }

    /// What the server does for rows stored before their keys: the migration leaves the cursor at
    /// the start, and SortKeyBackfill works through it in batches. Returns how many rows got keys.
    func backfillAsAfterTheUpgrade(_ fixture: SQLiteMailStoreFixture, batchSize: Int) async throws -> Int {
        try await fixture.sqliteStore.pool.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO settings (key, value) VALUES (?, 0)",
                           arguments: [SortKeyBackfill.cursorSetting])
        }
        let backfill = SortKeyBackfill.driver(pool: fixture.sqliteStore.pool, logger: Logger(label: "test.sortkeys"),
                                       batchSize: batchSize)
        defer { backfill.close() }
        return try backfill.runToCompletion()
    }

    @Test func keysAreStoredAtAppendAndReadBack() async throws {
        try await SQLiteMailStoreFixture.run { fixture, behaviour in
            let account = try await behaviour.makeAccount("alice@example.test")
            try await load(behaviour, account)
            let inbox = try await behaviour.inbox(account)
            let records = try await fixture.store.sortRecords(mailboxID: inbox.id, uids: [1, 2, 3, 9], fields: .all)
            #expect(records.map(\.uid) == [1, 2, 3])
            #expect(records.map(\.keys) == Self.corpus.map(Self.expectedKeys))
            let first = try #require(records.first?.keys)
            #expect(first.subject == Array("BUDGET".utf8))
            #expect(first.isReplyOrForward)
            #expect(first.from == Array("ZOE".utf8) && first.to == Array("BOB".utf8) && first.cc == Array("CAROL".utf8))
            #expect(first.displayFrom == Array("ZOE Q".utf8))
            #expect(first.references == ["r0@x", "r1@x"] && first.messageID == "m1@example.net")
            #expect(records[1].keys?.references == ["m1@example.net"])
            // RFC 5256 §2.2: no valid Date header sorts by the internal date.
            #expect(records[2].sentDate == Date(timeIntervalSince1970: 1_000))
            #expect(records[0].sentDate == Date(timeIntervalSince1970: 1_772_442_000))
            #expect(try await fixture.sqliteStore.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM messages WHERE sort_version = ?",
                                 arguments: [MessageSortKeys.version])
            } == 3)
        }
    }

    @Test func onlyTheAskedFamiliesAreRead() async throws {
        try await SQLiteMailStoreFixture.run { fixture, behaviour in
            let account = try await behaviour.makeAccount("alice@example.test")
            try await load(behaviour, account)
            let inbox = try await behaviour.inbox(account)
            let dates = try await fixture.store.sortRecords(mailboxID: inbox.id, uids: [1], fields: [])
            #expect(dates.first?.keys == MessageSortKeys(sentDate: Self.expectedKeys(Self.corpus[0]).sentDate))
            let addresses = try #require(await fixture.store.sortRecords(mailboxID: inbox.id, uids: [1], fields: .addresses).first?.keys)
            #expect(addresses.from == Array("ZOE".utf8) && addresses.subject.isEmpty && addresses.messageID == nil)
        }
    }

    /// A single-criterion SORT asks for one column: each family alone reads only its own key.
    @Test func eachAddressColumnIsReadAlone() async throws {
        try await SQLiteMailStoreFixture.run { fixture, behaviour in
            let account = try await behaviour.makeAccount("alice@example.test")
            try await load(behaviour, account)
            let inbox = try await behaviour.inbox(account)
            let full = try #require(Self.corpus.first.map(Self.expectedKeys))
            let cases: [(MessageSortRecord.Fields, MessageSortKeys)] = [
                (.from, MessageSortKeys(sentDate: full.sentDate, from: full.from)),
                (.to, MessageSortKeys(sentDate: full.sentDate, to: full.to)),
                (.cc, MessageSortKeys(sentDate: full.sentDate, cc: full.cc)),
                (.displayFrom, MessageSortKeys(sentDate: full.sentDate, displayFrom: full.displayFrom)),
                (.displayTo, MessageSortKeys(sentDate: full.sentDate, displayTo: full.displayTo)),
                ([.cc, .displayTo], MessageSortKeys(sentDate: full.sentDate, cc: full.cc, displayTo: full.displayTo)),
            ]
            for (fields, expected) in cases {
                #expect(try await fixture.store.sortRecords(mailboxID: inbox.id, uids: [1], fields: fields).first?.keys
                    == expected)
            }
            #expect(SortKeyColumns.selectList(.from) == "uid, internal_date, size, sort_version, sort_date, sort_from")
        }
    }

    /// SORT on any key but THREAD's reads the covering index, never the table (whose rows carry
    /// the summaries): what makes SORT of a large mailbox fast.
    @Test func sortKeysAreReadFromTheCoveringIndex() async throws {
        try await SQLiteMailStoreFixture.run { fixture, _ in
            let plan = try await fixture.sqliteStore.read { db in
                try Row.fetchAll(db, sql: """
                    EXPLAIN QUERY PLAN SELECT \(SortKeyColumns.selectList([.subject, .addresses, .displayNames]))
                    FROM messages WHERE mailbox_id = ? AND (uid BETWEEN ? AND ?) ORDER BY uid
                    """, arguments: [1, 1, 10_000]).map { String(describing: $0["detail"] as String? ?? "") }
            }
            #expect(plan.contains { $0.contains("COVERING INDEX messages_sort") }, "\(plan)")
        }
    }

    /// A caller that builds its own SearchFields (no keys) still gets keys, from the metadata.
    @Test func keysComeFromTheMetadataWhenTheCallerHasNone() async throws {
        try await SQLiteMailStoreFixture.run { fixture, behaviour in
            let account = try await behaviour.makeAccount("alice@example.test")
            let prepared = MessagePreparer.prepare(Array(Self.corpus[0].utf8))
            _ = try await fixture.store.append([AppendRequest(accountID: account.id, content: prepared.content,
                                                              metadata: prepared.metadata)])
            let inbox = try await behaviour.inbox(account)
            let records = try await fixture.store.sortRecords(mailboxID: inbox.id, uids: [1], fields: .all)
            #expect(records.first?.keys == Self.expectedKeys(Self.corpus[0]))
        }
    }

    @Test func copiesKeepTheirKeys() async throws {
        try await SQLiteMailStoreFixture.run { fixture, behaviour in
            let account = try await behaviour.makeAccount("alice@example.test")
            try await load(behaviour, account)
            let inbox = try await behaviour.inbox(account)
            let archive = try #require(await fixture.store.mailbox(accountID: account.id, name: "Archive"))
            _ = try await fixture.store.copyMessages(from: inbox.id, uids: [1, 3], to: archive.id)
            let copies = try await fixture.store.sortRecords(mailboxID: archive.id, uids: [1, 2], fields: .all)
            #expect(copies.map(\.keys) == [Self.expectedKeys(Self.corpus[0]), Self.expectedKeys(Self.corpus[2])])
            #expect(try await fixture.sqliteStore.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM messages WHERE mailbox_id = ? AND sort_version = ?",
                                 arguments: [archive.id, MessageSortKeys.version])
            } == 2)
        }
    }

    /// Rows stored before v10 (version 0, no keys) sort right at once from their summaries, and
    /// the backfill of the migration stores their keys; a row without a summary stays for the
    /// reader to parse.
    @Test func rowsWithoutStoredKeysFallBackAndAreBackfilled() async throws {
        try await SQLiteMailStoreFixture.run(Self.heldOff) { fixture, behaviour in
            let account = try await behaviour.makeAccount("alice@example.test")
            try await load(behaviour, account)
            _ = try await behaviour.appendOne(account, MailStoreBehaviour.content("Subject: raw\r\n\r\nx\r\n"))
            let inbox = try await behaviour.inbox(account)
            try await fixture.sqliteStore.pool.write { db in
                try db.execute(sql: """
                    UPDATE messages SET sort_version = 0, sort_date = NULL, sort_subject = NULL, sort_reply = 0,
                        sort_from = NULL, sort_to = NULL, sort_cc = NULL, sort_display_from = NULL,
                        sort_display_to = NULL, thread_message_id = NULL, thread_references = NULL
                    """)
            }
            let expected: [MessageSortKeys?] = Self.corpus.map(Self.expectedKeys) + [nil]
            #expect(try await fixture.store.sortRecords(mailboxID: inbox.id, uids: [1, 2, 3, 4], fields: .all)
                        .map(\.keys) == expected)
            // Four rows in batches of two; the row without a summary gets none.
            #expect(try await backfillAsAfterTheUpgrade(fixture, batchSize: 2) == 3)
            #expect(try await fixture.sqliteStore.read { db in
                try Int64.fetchAll(db, sql: "SELECT sort_version FROM messages ORDER BY uid")
            } == [1, 1, 1, 0])
            #expect(try await fixture.store.sortRecords(mailboxID: inbox.id, uids: [1, 2, 3, 4], fields: .all)
                        .map(\.keys) == expected)
        }
    }

    /// Session 5: appends name the keys in their INSERT (no second UPDATE). Every writer stores
    /// the same row: an append with the caller's keys, one deriving them from the metadata, a
    /// COPY, and the backfill's UPDATE (the path appends used before), column for column.
    @Test func everyWriterStoresTheSameKeyColumns() async throws {
        try await SQLiteMailStoreFixture.run(Self.heldOff) { fixture, behaviour in
            let account = try await behaviour.makeAccount("alice@example.test")
            try await load(behaviour, account)
            for text in Self.corpus {
                let prepared = MessagePreparer.prepare(Array(text.utf8))
                _ = try await fixture.store.append([AppendRequest(accountID: account.id, content: prepared.content,
                                                                  internalDate: Date(timeIntervalSince1970: 1_000),
                                                                  metadata: prepared.metadata)])
            }
            _ = try await behaviour.appendOne(account, MailStoreBehaviour.content("Subject: raw\r\n\r\nx\r\n"))
            let inbox = try await behaviour.inbox(account)
            let archive = try #require(await fixture.store.mailbox(accountID: account.id, name: "Archive"))
            _ = try await fixture.store.copyMessages(from: inbox.id, uids: [1, 2, 3, 7], to: archive.id)
            func columns(_ mailbox: MailboxID) async throws -> [[DatabaseValue]] {
                try await fixture.sqliteStore.read { db in
                    try Row.fetchAll(db, sql: "SELECT \(SortKeyColumns.copied) FROM messages WHERE mailbox_id = ? ORDER BY uid",
                                     arguments: [mailbox]).map { Array($0.databaseValues) }
                }
            }
            let appended = try await columns(inbox.id)
            #expect(appended.count == 7)
            // Caller's keys (1-3) and keys derived from the metadata (4-6) give the same columns.
            #expect(Array(appended[0..<3]) == Array(appended[3..<6]))
            // No summary: the columns' defaults, which the reader takes for "derive".
            #expect(appended[6] == SortKeyColumns.values(nil).map { $0?.databaseValue ?? .null })
            #expect(try await columns(archive.id) == [appended[0], appended[1], appended[2], appended[6]])
            // The UPDATE path of the backfill (the append path before session 5) writes the same.
            try await fixture.sqliteStore.pool.write { db in try db.execute(sql: "UPDATE messages SET sort_version = 0") }
            // 11 rows (7 in INBOX, 4 copies); the two without a summary get none.
            #expect(try await backfillAsAfterTheUpgrade(fixture, batchSize: 3) == 9)
            #expect(try await columns(inbox.id) == appended)
            let sorted = try await fixture.store.sortRecords(mailboxID: inbox.id, uids: Array(1...7), fields: .all)
            #expect(sorted.map(\.keys) == Self.corpus.map(Self.expectedKeys) + Self.corpus.map(Self.expectedKeys) + [nil])
        }
    }
}
