// A GRDB cursor whose rows are read by column index straight from the statement (StatementColumns):
// no `Row`, no per-cursor column-name dictionary, no blob copied into `Data` unless asked.
import GRDB
import GRDBSQLite

final class ColumnCursor: DatabaseCursor {
    typealias Element = StatementColumns
    let _statement: Statement
    var _isDone = false

    /// Resets `statement` and binds `arguments` (checked against the statement by GRDB).
    init(_ statement: Statement, arguments: StatementArguments) throws {
        _statement = statement
        try statement.setArguments(arguments)
    }

    deinit {
        // Like GRDB's own cursors: a statement left mid-way would keep its read snapshot open
        // until its next use. Resetting a statement whose last step failed repeats that error,
        // which was already thrown to the reader: ignored here.
        if !_isDone { sqlite3_reset(_statement.sqliteStatement) }
    }

    func _element(sqliteStatement: SQLiteStatement) -> StatementColumns {
        StatementColumns(sqliteStatement)
    }

    /// Every row, decoded while the statement steps.
    static func all<T>(_ statement: Statement, arguments: StatementArguments,
                       _ decode: (StatementColumns) throws -> T) throws -> [T] {
        let cursor = try ColumnCursor(statement, arguments: arguments)
        var values: [T] = []
        while let columns = try cursor.next() { values.append(try decode(columns)) }
        return values
    }

    /// The first row, decoded; the statement is then stepped to its end so it holds nothing open.
    static func first<T>(_ statement: Statement, arguments: StatementArguments,
                         _ decode: (StatementColumns) throws -> T) throws -> T? {
        let cursor = try ColumnCursor(statement, arguments: arguments)
        guard let columns = try cursor.next() else { return nil }
        let value = try decode(columns)
        while try cursor.next() != nil {}
        return value
    }
}
