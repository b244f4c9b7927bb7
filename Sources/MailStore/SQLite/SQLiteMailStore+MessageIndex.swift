// The reads an IMAP session makes most: the UID/MODSEQ/flags index of a mailbox, and full rows
// for a UID set of any size.
import Foundation
import GRDB

extension SQLiteMailStore {
    public func messageIndex(mailboxID: MailboxID) async throws -> [MessageIndexEntry] {
        try await read { db in
            try Self.indexEntries(db.cachedStatement(sql: """
                SELECT uid, modseq, system_flags, keywords FROM messages WHERE mailbox_id = ? ORDER BY uid
                """), arguments: [mailboxID]) ?? []
        }
    }

    /// RFC 7162 §3.1.4.1 CHANGEDSINCE: strictly above `modSeq`; served by the (mailbox_id, modseq) index.
    public func messageIndex(mailboxID: MailboxID, changedSinceModSeq modSeq: UInt64) async throws -> [MessageIndexEntry] {
        let since = Int64(clamping: modSeq)
        return try await read { db in
            try Self.indexEntries(db.cachedStatement(sql: """
                SELECT uid, modseq, system_flags, keywords FROM messages WHERE mailbox_id = ? AND modseq > ? ORDER BY uid
                """), arguments: [mailboxID, since]) ?? []
        }
    }

    /// One narrow read: EXPUNGE no longer builds 200 index entries (flag strings included) per
    /// call under imap-mix to find the one \Deleted message.
    public func deletedUIDs(mailboxID: MailboxID) async throws -> [UInt32] {
        let deleted = MessageFlags.bit(forSystemFlag: "\\Deleted") ?? 8
        return try await read { db in
            try Int64.fetchAll(db.cachedStatement(sql: """
                SELECT uid FROM messages WHERE mailbox_id = ? AND system_flags & ? != 0 ORDER BY uid
                """), arguments: [mailboxID, deleted]).map { UInt32(clamping: $0) }
        }
    }

    public func messages(mailboxID: MailboxID, uids: [UInt32]) async throws -> [StoredMessage] {
        guard !uids.isEmpty else { return [] }
        // One read transaction for every chunk: the caller sees one consistent snapshot.
        return try await boundedRead { db, rowLimit in
            if let rowLimit, uids.count > rowLimit { return nil }
            return try UIDRangeQuery.fetchColumns(db, columns: StoreRows.messageColumns, mailboxID: mailboxID,
                                                  uids: uids, StoreRows.message)
        }
    }

    public func messagesWithoutMetadata(mailboxID: MailboxID, uids: [UInt32]) async throws -> [StoredMessage] {
        guard !uids.isEmpty else { return [] }
        return try await boundedRead { db, rowLimit in
            if let rowLimit, uids.count > rowLimit { return nil }
            return try UIDRangeQuery.fetchColumns(db, columns: StoreRows.messageColumnsWithoutMetadata,
                                                  mailboxID: mailboxID, uids: uids, StoreRows.message)
        }
    }

    public func sortRecords(mailboxID: MailboxID, uids: [UInt32], fields: MessageSortRecord.Fields) async throws
        -> [MessageSortRecord] {
        guard !uids.isEmpty else { return [] }
        return try await read { db in
            try SortKeyColumns.records(db, mailboxID: mailboxID, uids: uids, fields: fields)
        }
    }

    /// One read transaction instead of two: one hop to a reader thread fewer after each STORE,
    /// APPEND or EXPUNGE of an IMAP session.
    public func changes(mailboxID: MailboxID, sinceModSeq modSeq: UInt64) async throws
        -> (changed: [MessageIndexEntry], expunged: [(uid: UInt32, modSeq: UInt64)]) {
        let since = Int64(clamping: modSeq)
        let found = try await boundedRead { db, rowLimit -> ChangesSince? in
            // Inline, a session far behind (more changed rows than the bound) is left to the pool.
            guard let changed = try Self.indexEntries(db.cachedStatement(sql: """
                SELECT uid, modseq, system_flags, keywords FROM messages WHERE mailbox_id = ? AND modseq > ? ORDER BY uid
                """), arguments: [mailboxID, since], limit: rowLimit) else { return nil }
            var expunged: [ExpungedUID] = []
            let rows = try ColumnCursor(db.cachedStatement(sql: """
                SELECT uid, modseq FROM expunged WHERE mailbox_id = ? AND modseq > ? ORDER BY uid
                """), arguments: [mailboxID, since])
            while let row = try rows.next() {
                if let rowLimit, expunged.count >= rowLimit { return nil }
                expunged.append(ExpungedUID(uid: StoreRows.uint32(row.int64(0)), modSeq: StoreRows.uint64(row.int64(1))))
            }
            return ChangesSince(changed: changed, expunged: expunged)
        }
        return (found.changed, found.expunged.map { ($0.uid, $0.modSeq) })
    }

    /// Decodes while the statement steps (no copy of each row), columns by position (uid,
    /// modseq, system_flags, keywords): SELECT of a large mailbox reads every row.
    /// With a `limit`, nil as soon as there are more rows than that.
    private static func indexEntries(_ statement: Statement, arguments: StatementArguments,
                                     limit: Int? = nil) throws -> [MessageIndexEntry]? {
        var entries: [MessageIndexEntry] = []
        let rows = try ColumnCursor(statement, arguments: arguments)
        while let row = try rows.next() {
            if let limit, entries.count >= limit { return nil }
            let flags = MessageFlags(storedSystem: row.int64(2), storedKeywords: row.string(3))
            entries.append(MessageIndexEntry(uid: StoreRows.uint32(row.int64(0)), modSeq: StoreRows.uint64(row.int64(1)),
                                             flags: flags.names))
        }
        return entries
    }
}

/// What `changes(mailboxID:sinceModSeq:)` reads, as a Sendable value (tuples are not).
private struct ChangesSince: Sendable {
    let changed: [MessageIndexEntry]
    let expunged: [ExpungedUID]
}

private struct ExpungedUID: Sendable {
    let uid: UInt32
    let modSeq: UInt64
}
