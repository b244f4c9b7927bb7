// The reads an IMAP session makes most: the UID/MODSEQ/flags index of a mailbox, and full rows
// for a UID set of any size.
import Foundation
import GRDB

extension SQLiteMailStore {
    public func messageIndex(mailboxID: MailboxID) async throws -> [MessageIndexEntry] {
        try await read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT uid, modseq, system_flags, keywords FROM messages WHERE mailbox_id = ? ORDER BY uid
                """), arguments: [mailboxID]).map(Self.indexEntry)
        }
    }

    /// RFC 7162 §3.1.4.1 CHANGEDSINCE: strictly above `modSeq`; served by the (mailbox_id, modseq) index.
    public func messageIndex(mailboxID: MailboxID, changedSinceModSeq modSeq: UInt64) async throws -> [MessageIndexEntry] {
        let since = Int64(clamping: modSeq)
        return try await read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT uid, modseq, system_flags, keywords FROM messages WHERE mailbox_id = ? AND modseq > ? ORDER BY uid
                """), arguments: [mailboxID, since]).map(Self.indexEntry)
        }
    }

    public func messages(mailboxID: MailboxID, uids: [UInt32]) async throws -> [StoredMessage] {
        guard !uids.isEmpty else { return [] }
        // One read transaction for every chunk: the caller sees one consistent snapshot.
        return try await read { db in
            try UIDRangeQuery.fetchRows(db, columns: StoreRows.messageColumns, mailboxID: mailboxID, uids: uids)
                .map(StoreRows.message)
        }
    }

    private static func indexEntry(_ row: Row) -> MessageIndexEntry {
        let flags = MessageFlags(storedSystem: row["system_flags"], storedKeywords: row["keywords"])
        return MessageIndexEntry(uid: StoreRows.uint32(row["uid"]), modSeq: StoreRows.uint64(row["modseq"]),
                                 flags: flags.names)
    }
}
