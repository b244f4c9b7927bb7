// The sort key columns of "v10-sort-keys" (issue 8): how MessageSortKeys are written at append,
// copied, backfilled, and read back by SORT and THREAD without decoding any summary.
import Foundation
import GRDB
import MailMessage

enum SortKeyColumns {
    /// The key columns, in the order of `values(_:)`: what an append's INSERT names and a COPY
    /// takes over from its original, as they are.
    static let copied = """
        sort_version, sort_date, sort_subject, sort_reply, sort_from, sort_to, sort_cc, sort_display_from,
        sort_display_to, thread_message_id, thread_references
        """

    /// The schema change: `sort_version` 0 marks a row whose keys were never stored (the reader
    /// then derives them from the summary). Empty keys are NULL, which keeps the rows small.
    /// `messages_sort` covers every SORT key: a message row holds its summary (kilobytes, often
    /// on overflow pages), and columns added later sit after it, so reading keys from the table
    /// itself read the whole mailbox from disk; the index is a few dozen octets per message.
    static let migrationSQL = """
        ALTER TABLE messages ADD COLUMN sort_version INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE messages ADD COLUMN sort_date REAL;              -- RFC 5256 §2.2; NULL: use internal_date
        ALTER TABLE messages ADD COLUMN sort_subject BLOB;           -- collated base subject (RFC 5256 §2.1)
        ALTER TABLE messages ADD COLUMN sort_reply INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE messages ADD COLUMN sort_from BLOB;              -- collated addr-mailbox (RFC 5256 §3)
        ALTER TABLE messages ADD COLUMN sort_to BLOB;
        ALTER TABLE messages ADD COLUMN sort_cc BLOB;
        ALTER TABLE messages ADD COLUMN sort_display_from BLOB;      -- collated display value (RFC 5957 §3)
        ALTER TABLE messages ADD COLUMN sort_display_to BLOB;
        ALTER TABLE messages ADD COLUMN thread_message_id TEXT;      -- normalized Message-ID
        ALTER TABLE messages ADD COLUMN thread_references TEXT;      -- normalized ids, one per line
        CREATE INDEX messages_sort ON messages(mailbox_id, uid, sort_version, sort_date, internal_date, size,
            sort_subject, sort_reply, sort_from, sort_to, sort_cc, sort_display_from, sort_display_to);
        """

    /// The values of `copied`'s columns, in its order, for an INSERT or an UPDATE: one function,
    /// so every writer (append, backfill) stores the same row. Nil keys are the columns' defaults
    /// (version 0, NULLs), which the reader takes for "derive from the summary".
    static func values(_ keys: MessageSortKeys?) -> [(any DatabaseValueConvertible)?] {
        guard let keys else { return [0, nil, nil, 0, nil, nil, nil, nil, nil, nil, nil] }
        return [
            MessageSortKeys.version, keys.sentDate?.timeIntervalSince1970, blob(keys.subject),
            keys.isReplyOrForward ? 1 : 0, blob(keys.from), blob(keys.to), blob(keys.cc),
            blob(keys.displayFrom), blob(keys.displayTo), keys.messageID,
            keys.references.isEmpty ? nil : keys.references.joined(separator: "\n"),
        ]
    }

    /// `?` placeholders for `values(_:)`.
    static let placeholders = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"

    /// Writes `keys` into an existing row (the background backfill; appends name the columns in
    /// their INSERT instead, issue 8).
    static func store(_ db: Database, messageID: MessageID, _ keys: MessageSortKeys) throws {
        try db.cachedStatement(sql: """
            UPDATE messages SET (\(copied)) = (\(placeholders)) WHERE id = ?
            """).execute(arguments: StatementArguments(values(keys) + [messageID]))
    }

    /// Keys computed for one batch of rows (`pendingKeys`).
    struct PendingKeys: Sendable {
        /// The last id looked at, and how many rows were.
        var last: Int64
        var rows: Int
        /// Rows without a summary have none.
        var keys: [(id: MessageID, keys: MessageSortKeys)]
    }

    /// The keys of the rows after `cursor` (in id order, at most `limit`) whose keys are of
    /// another version, computed from their summaries; rows without a summary get none (they
    /// stay at version 0 and the reader parses them, as SORT always did). nil when no such row
    /// is left after `cursor`.
    static func pendingKeys(_ db: Database, after cursor: Int64, limit: Int) throws -> PendingKeys? {
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT id, metadata FROM messages WHERE id > ? AND sort_version != ? ORDER BY id LIMIT ?
            """), arguments: [cursor, MessageSortKeys.version, limit])
        guard let last = rows.last else { return nil }
        var keys: [(id: MessageID, keys: MessageSortKeys)] = []
        for row in rows {
            guard let metadata: Data = row[1], !metadata.isEmpty,
                  let summary = try? MessageSummary.decode(metadata) else { continue }
            keys.append((row[0], MessageSortKeys(summary: summary)))
        }
        return PendingKeys(last: last[0], rows: rows.count, keys: keys)
    }

    /// The select list for `fields`, read by position in `record(_:fields:)`: id-free, UID first.
    /// Without `.threading` it names only columns of `messages_sort`, so the query never touches
    /// the table.
    static func selectList(_ fields: MessageSortRecord.Fields) -> String {
        var columns = ["uid", "internal_date", "size", "sort_version", "sort_date"]
        if fields.contains(.subject) { columns += ["sort_subject", "sort_reply"] }
        if fields.contains(.from) { columns.append("sort_from") }
        if fields.contains(.to) { columns.append("sort_to") }
        if fields.contains(.cc) { columns.append("sort_cc") }
        if fields.contains(.displayFrom) { columns.append("sort_display_from") }
        if fields.contains(.displayTo) { columns.append("sort_display_to") }
        if fields.contains(.threading) { columns += ["thread_message_id", "thread_references"] }
        return columns.joined(separator: ", ")
    }

    /// The records of `uids` in UID order, from the stored keys, or from the summary for rows
    /// whose keys are missing or of another version (read in a second, usually empty, query).
    static func records(_ db: Database, mailboxID: MailboxID, uids: [UInt32],
                        fields: MessageSortRecord.Fields) throws -> [MessageSortRecord] {
        var stale: [Int] = []
        var records = try UIDRangeQuery.fetch(db, columns: selectList(fields), mailboxID: mailboxID, uids: uids) {
            try record($0, fields: fields)
        }
        for (position, record) in records.enumerated() where record.keys == nil { stale.append(position) }
        guard !stale.isEmpty else { return records }
        // Stored before v10 (or under another rule): the summary still knows.
        let summaries = try UIDRangeQuery.fetch(db, columns: "uid, metadata", mailboxID: mailboxID,
                                                uids: stale.map { records[$0].uid }) { row -> (UInt32, MessageSortKeys?) in
            let metadata: Data? = row[1]
            let summary = metadata.flatMap { $0.isEmpty ? nil : try? MessageSummary.decode($0) }
            return (StoreRows.uint32(row[0]), summary.map(MessageSortKeys.init(summary:)))
        }
        let keysByUID = Dictionary(summaries, uniquingKeysWith: { first, _ in first })
        for position in stale { records[position].keys = keysByUID[records[position].uid] ?? nil }
        return records
    }

    /// One record from a row of `selectList(fields)`; nil keys when the row's are not stored.
    static func record(_ row: Row, fields: MessageSortRecord.Fields) throws -> MessageSortRecord {
        let uid = StoreRows.uint32(row[0])
        let internalDate = Date(timeIntervalSince1970: row[1])
        let size = Int(clamping: row[2] as Int64)
        guard (row[3] as Int64) == Int64(MessageSortKeys.version) else {
            return MessageSortRecord(uid: uid, internalDate: internalDate, size: size, keys: nil)
        }
        var keys = MessageSortKeys()
        let sentDate: Double? = row[4]
        keys.sentDate = sentDate.map(Date.init(timeIntervalSince1970:))
        var index = 5
        if fields.contains(.subject) {
            keys.subject = try bytes(row, index)
            keys.isReplyOrForward = (row[index + 1] as Int64) != 0
            index += 2
        }
        // One column per family asked for, in selectList's order.
        if fields.contains(.from) { keys.from = try bytes(row, index); index += 1 }
        if fields.contains(.to) { keys.to = try bytes(row, index); index += 1 }
        if fields.contains(.cc) { keys.cc = try bytes(row, index); index += 1 }
        if fields.contains(.displayFrom) { keys.displayFrom = try bytes(row, index); index += 1 }
        if fields.contains(.displayTo) { keys.displayTo = try bytes(row, index); index += 1 }
        if fields.contains(.threading) {
            keys.messageID = row[index]
            let references: String? = row[index + 1]
            keys.references = references.map { $0.split(separator: "\n").map(String.init) } ?? []
        }
        return MessageSortRecord(uid: uid, internalDate: internalDate, size: size, keys: keys)
    }

    private static func blob(_ key: [UInt8]) -> Data? {
        key.isEmpty ? nil : Data(key)
    }

    /// The octets of a BLOB column without an intermediate Data; NULL is the empty key.
    private static func bytes(_ row: Row, _ index: Int) throws -> [UInt8] {
        try row.withUnsafeData(atIndex: index) { data in data.map { [UInt8]($0) } ?? [] }
    }
}
