// SEARCH UNSEEN and other system-flag searches as one narrow query (issue 8, imap-mix): the UIDs
// come from an index; no message row is built.
import Foundation
import GRDB

extension SQLiteMailStore {
    public func uids(mailboxID: MailboxID, flagged: [String], unflagged: [String]) async throws -> [UInt32] {
        var required: Int64 = 0, forbidden: Int64 = 0
        for name in flagged {
            guard let bit = MessageFlags.bit(forSystemFlag: name) else { return try await keywordSearch(mailboxID, flagged, unflagged) }
            required |= bit
        }
        for name in unflagged {
            guard let bit = MessageFlags.bit(forSystemFlag: name) else { return try await keywordSearch(mailboxID, flagged, unflagged) }
            forbidden |= bit
        }
        // A flag both required and forbidden: nothing matches.
        if required & forbidden != 0 { return [] }
        let mask = required | forbidden, value = required
        let unseenOnly = forbidden & MessageFlags.seenBit != 0
        // The literal `system_flags & 1 = 0` lets SQLite use the partial index of unseen messages
        // (messages_unseen), which holds exactly the UIDs SEARCH UNSEEN returns.
        let sql = "SELECT uid FROM messages WHERE mailbox_id = ?" + (unseenOnly ? " AND system_flags & 1 = 0" : "")
            + " AND system_flags & ? = ? ORDER BY uid"
        return try await boundedRead { db, rowLimit -> [UInt32]? in
            let limit = rowLimit.map { $0 * Self.flagSearchUIDsPerInlineRow }
            var uids: [UInt32] = []
            let cursor = try Int64.fetchCursor(db.cachedStatement(sql: sql), arguments: [mailboxID, mask, value])
            while let uid = try cursor.next() {
                if let limit, uids.count >= limit { return nil }
                uids.append(StoreRows.uint32(uid))
            }
            return uids
        }
    }

    /// A UID costs far less to read than a message row (as for SELECT's UID list).
    private static let flagSearchUIDsPerInlineRow = 16

    /// Keywords live in a text column compared case-insensitively: filtered from the index.
    private func keywordSearch(_ mailboxID: MailboxID, _ flagged: [String], _ unflagged: [String]) async throws -> [UInt32] {
        MessageIndexEntry.uids(of: try await messageIndex(mailboxID: mailboxID), flagged: flagged, unflagged: unflagged)
    }
}
