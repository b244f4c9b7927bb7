// Selecting messages by a UID list of any length without exceeding SQLite's limit on bound
// variables (999 in older builds): the list becomes runs of consecutive UIDs, queried a bounded
// number of runs at a time.
import GRDB

enum UIDRangeQuery {
    /// Runs per statement: two variables each, plus the mailbox id, stays far below 999.
    static let rangesPerStatement = 200

    /// Ascending, duplicate-free runs `[low, high]` covering exactly the given UIDs.
    static func ranges(_ uids: [UInt32]) -> [ClosedRange<UInt32>] {
        // Callers nearly always pass ascending UIDs (a FETCH batch): no set and sort for those.
        let ascending = zip(uids, uids.dropFirst()).allSatisfy { $0 < $1 }
        let sorted = ascending ? uids : Set(uids).sorted()
        var result: [ClosedRange<UInt32>] = []
        guard var low = sorted.first else { return [] }
        var high = low
        for uid in sorted.dropFirst() {
            if uid - high == 1 {       // sorted and unique: uid > high, no overflow
                high = uid
            } else {
                result.append(low...high)
                low = uid
                high = uid
            }
        }
        result.append(low...high)
        return result
    }

    /// Rows of `columns` for the given UIDs of one mailbox, in UID order. Chunks follow each other
    /// in ascending UID order, so concatenating them keeps the order.
    static func fetchRows(_ db: Database, columns: String, mailboxID: MailboxID, uids: [UInt32]) throws -> [Row] {
        try fetch(db, columns: columns, mailboxID: mailboxID, uids: uids) { $0.copy() }
    }

    /// The same rows, each handed to `transform` while the statement runs: no copy of the row.
    static func fetch<T>(_ db: Database, columns: String, mailboxID: MailboxID, uids: [UInt32],
                         _ transform: (Row) throws -> T) throws -> [T] {
        var values: [T] = []
        values.reserveCapacity(uids.count)
        try forEachStatement(db, columns: columns, mailboxID: mailboxID, uids: uids) { statement, arguments in
            let rows = try Row.fetchCursor(statement, arguments: arguments)
            while let row = try rows.next() { values.append(try transform(row)) }
        }
        return values
    }

    /// The same rows read by column index from the statement (StatementColumns): no `Row` and no
    /// column-name dictionary per statement, blobs copied only where `decode` asks (issue 8).
    static func fetchColumns<T>(_ db: Database, columns: String, mailboxID: MailboxID, uids: [UInt32],
                                _ decode: (StatementColumns) throws -> T) throws -> [T] {
        var values: [T] = []
        values.reserveCapacity(uids.count)
        try forEachStatement(db, columns: columns, mailboxID: mailboxID, uids: uids) { statement, arguments in
            let cursor = try ColumnCursor(statement, arguments: arguments)
            while let row = try cursor.next() { values.append(try decode(row)) }
        }
        return values
    }

    /// The conditions of the usual shapes, built once: FETCH and SEARCH batches are nearly always
    /// one to a few runs.
    private static let smallConditions: [String] = (0...4).map { count in
        Array(repeating: "uid BETWEEN ? AND ?", count: count).joined(separator: " OR ")
    }

    /// Hands each statement with its arguments to `run`, chunks in ascending UID order.
    /// Statements are cached by their text, so the usual shapes (one run, a few runs) are
    /// compiled once per reader connection rather than once per command.
    private static func forEachStatement(_ db: Database, columns: String, mailboxID: MailboxID, uids: [UInt32],
                                         _ run: (Statement, StatementArguments) throws -> Void) throws {
        let all = ranges(uids)
        var start = 0
        while start < all.count {
            let chunk = all[start..<min(start + rangesPerStatement, all.count)]
            start += chunk.count
            let condition = chunk.count < smallConditions.count
                ? smallConditions[chunk.count]
                : chunk.map { _ in "uid BETWEEN ? AND ?" }.joined(separator: " OR ")
            var values: [Int64] = [mailboxID]
            values.reserveCapacity(1 + 2 * chunk.count)
            for range in chunk {
                values.append(Int64(range.lowerBound))
                values.append(Int64(range.upperBound))
            }
            let sql = "SELECT \(columns) FROM messages WHERE mailbox_id = ? AND (\(condition)) ORDER BY uid"
            // Many-run shapes are rare and varied: cache only the small ones.
            let statement = chunk.count <= 4 ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
            try run(statement, StatementArguments(values))
        }
    }
}
