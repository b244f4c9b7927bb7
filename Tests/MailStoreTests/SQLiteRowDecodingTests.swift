// Rows read by column index from the statement (StatementColumns, ColumnCursor) and range reads
// in one statement (issue 8): the values GRDB's rows gave, safe on NULL and odd indexes, the
// statement left idle, and a range read that believes the store, not the caller's row.
import Foundation
import GRDB
import GRDBSQLite
@testable import MailStore
import Testing

@Suite struct SQLiteRowDecodingTests {
    @Test func columnsReadEveryTypeAndToleratesNullAndBadIndexes() throws {
        let queue = try DatabaseQueue()
        try queue.read { db in
            let statement = try db.makeStatement(sql: "SELECT NULL, 42, 2.5, 'texté', x'0102030405', x'', -7")
            let row = try #require(try ColumnCursor.first(statement, arguments: []) { row in
                (nullIsNull: row.isNull(0), nullInt: row.int64(0), nullString: row.string(0), nullData: row.data(0),
                 int: row.int64(1), double: row.double(2), text: row.string(3), blob: row.data(4),
                 emptyBlob: row.data(5), emptyIsNull: row.isNull(5), negative: row.int64(6),
                 outside: (row.isNull(7), row.int64(7), row.string(-1), row.data(99), row.byteCount(12)),
                 counts: (row.byteCount(0), row.byteCount(4), row.byteCount(5)))
            })
            #expect(row.nullIsNull && row.nullInt == 0 && row.nullString == "" && row.nullData == nil)
            #expect(row.int == 42 && row.double == 2.5 && row.text == "texté" && row.negative == -7)
            #expect(row.blob == Data([1, 2, 3, 4, 5]))
            #expect(row.emptyBlob == Data() && !row.emptyIsNull)
            #expect(row.outside.0 && row.outside.1 == 0 && row.outside.2 == "" && row.outside.3 == nil && row.outside.4 == 0)
            #expect(row.counts == (0, 5, 0))
        }
    }

    @Test(arguments: [
        (nil, [1, 2, 3, 4, 5]), (1..<3, [2, 3]), (3..<99, [4, 5]), (-4..<2, [1, 2]), (5..<9, []), (9..<12, []),
        (0..<0, []),
    ] as [(Range<Int>?, [UInt8])])
    func blobSlicesAreClampedToTheBlob(range: Range<Int>?, expected: [UInt8]) throws {
        let queue = try DatabaseQueue()
        try queue.read { db in
            let statement = try db.makeStatement(sql: "SELECT x'0102030405', NULL")
            let appended = try ColumnCursor.first(statement, arguments: []) { row -> ([UInt8], Int, Int) in
                var bytes: [UInt8] = [9]
                let count = row.appendBlob(0, range: range, to: &bytes)
                let fromNull = row.appendBlob(1, range: range, to: &bytes)
                return (bytes, count, fromNull)
            }
            #expect(appended?.0 == [9] + expected)
            #expect(appended?.1 == expected.count && appended?.2 == 0)
        }
    }

    /// A statement left mid-way keeps its read snapshot open; `first` and a dropped cursor do not.
    @Test func cursorsLeaveTheirStatementIdle() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3)")
        }
        try queue.read { db in
            let statement = try db.makeStatement(sql: "SELECT n FROM t ORDER BY n")
            #expect(try ColumnCursor.first(statement, arguments: []) { $0.int64(0) } == 1)
            #expect(sqlite3_stmt_busy(statement.sqliteStatement) == 0)
            do {
                let cursor = try ColumnCursor(statement, arguments: [])
                #expect(try cursor.next()?.int64(0) == 1)
                #expect(sqlite3_stmt_busy(statement.sqliteStatement) != 0)
            }
            #expect(sqlite3_stmt_busy(statement.sqliteStatement) == 0)
            #expect(try ColumnCursor.all(statement, arguments: []) { $0.int64(0) } == [1, 2, 3])
            #expect(try ColumnCursor.first(db.makeStatement(sql: "SELECT n FROM t WHERE n > 5"), arguments: []) { $0.int64(0) } == nil)
        }
    }

    /// How a caller's copy of a row may disagree with the store: the range read plans with it
    /// only to decide whether to load the content, and answers from the stored row.
    enum Distortion: CaseIterable, Sendable {
        case none, noPrefix, allPrefix, emptyMessage, huge
        func apply(_ message: StoredMessage) -> StoredMessage {
            var copy = message
            switch self {
            case .none: break
            case .noPrefix: copy.prefixLength = 0
            case .allPrefix: copy.prefixLength = message.size
            case .emptyMessage: copy.size = 0; copy.prefixLength = 0
            case .huge: copy.size = Int.max / 2; copy.prefixLength = Int.max / 4
            }
            return copy
        }
    }

    @Test(arguments: Distortion.allCases)
    func rangeReadsAnswerFromTheStoredRow(distortion: Distortion) async throws {
        try await SQLiteMailStoreFixture.run { fixture, behaviour in
            let store = fixture.sqliteStore
            let account = try await behaviour.makeAccount("alice@example.test")
            let prefix = Array("Return-Path: <sender@remote.test>\r\n".utf8)
            let content = MailStoreBehaviour.content("Subject: rows\r\n\r\n" + String(repeating: "line of text\r\n", count: 40))
            let appended = try await behaviour.appendOne(account, content, prefix: prefix)
            let stored = try #require(await store.message(mailboxID: appended.mailboxID, uid: appended.uid))
            let whole = prefix + content.bytes
            let message = distortion.apply(stored)
            let p = prefix.count
            for range in [0..<whole.count, 0..<p, p - 4..<p + 9, p + 3..<p + 40, whole.count - 6..<whole.count + 9] {
                let lower = min(range.lowerBound, whole.count)
                let upper = min(range.upperBound, whole.count)
                #expect(try await store.messageBytes(message, range: range) == Array(whole[lower..<upper]),
                        "range \(range), \(distortion)")
            }
            let batch = [MessageRangeRequest(message: message, range: 2..<p + 5),
                         MessageRangeRequest(message: message, range: p..<p + 7)]
            #expect(try await store.messageBytes(batch) == [Array(whole[2..<p + 5]), Array(whole[p..<p + 7])])
        }
    }

    /// A damaged inline blob (shorter than its recorded size) is a backend failure on both the
    /// one-statement path and the second-statement path, never a short answer.
    @Test(arguments: [Distortion.none, .allPrefix])
    func shortInlineBlobIsAnError(distortion: Distortion) async throws {
        try await SQLiteMailStoreFixture.run { fixture, behaviour in
            let store = fixture.sqliteStore
            let account = try await behaviour.makeAccount("alice@example.test")
            let content = MailStoreBehaviour.content("Subject: damaged\r\n\r\n" + String(repeating: "x", count: 200))
            let appended = try await behaviour.appendOne(account, content, prefix: Array("X-P: 1\r\n".utf8))
            let stored = try #require(await store.message(mailboxID: appended.mailboxID, uid: appended.uid))
            try await store.pool.write { db in
                try db.execute(sql: "UPDATE blobs SET data = substr(data, 1, 20) WHERE sha256 = ?",
                               arguments: [stored.contentSHA256])
            }
            let message = distortion.apply(stored)
            // The prefix alone is still there.
            #expect(try await store.messageBytes(message, range: 0..<4) == Array("X-P:".utf8))
            await behaviour.expectError(.backend("")) { _ = try await store.messageBytes(message, range: 0..<100) }
            await behaviour.expectError(.backend("")) { _ = try await store.messageBytes(message, range: 60..<70) }
        }
    }
}
