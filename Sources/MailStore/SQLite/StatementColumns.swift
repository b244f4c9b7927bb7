// The current row of a running statement, read column by column with SQLite's own accessors
// (issue 8, imap-mix). GRDB's `Row` builds a column-name dictionary per cursor and copies every
// blob into a `Data`; FETCH reads a prefix and a content slice per message, so those copies and
// dictionaries were a large share of the allocations (and malloc arena contention) per command.
// Integers are read as Int64 and narrowed by the callers with clamping, so a corrupt value
// cannot trap; an index outside the row reads as NULL.
import Foundation
import GRDB
import GRDBSQLite

struct StatementColumns {
    private let statement: SQLiteStatement
    private let count: CInt

    init(_ statement: SQLiteStatement) {
        self.statement = statement
        count = sqlite3_column_count(statement)
    }

    private func valid(_ index: Int) -> CInt? {
        guard index >= 0, index < Int(count) else { return nil }
        return CInt(index)
    }

    func isNull(_ index: Int) -> Bool {
        guard let column = valid(index) else { return true }
        return sqlite3_column_type(statement, column) == SQLITE_NULL
    }

    /// NULL reads as 0, as SQLite converts it.
    func int64(_ index: Int) -> Int64 {
        guard let column = valid(index) else { return 0 }
        return sqlite3_column_int64(statement, column)
    }

    func double(_ index: Int) -> Double {
        guard let column = valid(index) else { return 0 }
        return sqlite3_column_double(statement, column)
    }

    /// The column as UTF-8 text; NULL reads as "".
    func string(_ index: Int) -> String {
        guard let column = valid(index), let text = sqlite3_column_text(statement, column) else { return "" }
        let length = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self)
    }

    /// The column's bytes where SQLite keeps them, valid only inside `body`; NULL is nil.
    func withBlob<T>(_ index: Int, _ body: (UnsafeRawBufferPointer?) throws -> T) rethrows -> T {
        guard let column = valid(index), sqlite3_column_type(statement, column) != SQLITE_NULL else {
            return try body(nil)
        }
        // The pointer is read before the length, as SQLite asks (the length call may convert).
        let start = sqlite3_column_blob(statement, column)
        let length = Int(sqlite3_column_bytes(statement, column))
        return try body(UnsafeRawBufferPointer(start: length > 0 ? start : nil, count: start == nil ? 0 : length))
    }

    /// Octets of a blob (or text) column; 0 for NULL.
    func byteCount(_ index: Int) -> Int {
        withBlob(index) { $0?.count ?? 0 }
    }

    /// The blob as `Data` (one copy); NULL is nil.
    func data(_ index: Int) -> Data? {
        withBlob(index) { bytes in bytes.map { Data($0) } }
    }

    /// Appends `range` of the blob (clamped to it) to `bytes`: no intermediate `Data` or array.
    /// Answers how many octets were appended.
    @discardableResult
    func appendBlob(_ index: Int, range: Range<Int>? = nil, to bytes: inout [UInt8]) -> Int {
        withBlob(index) { blob in
            guard let blob, blob.count > 0 else { return 0 }
            let wanted = range ?? 0..<blob.count
            let lower = min(max(wanted.lowerBound, 0), blob.count)
            let upper = min(max(wanted.upperBound, lower), blob.count)
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: blob[lower..<upper]))
            return upper - lower
        }
    }
}
