// The transaction behind COPY and MOVE: new UIDs and MODSEQs in the destination, shared content
// (one more reference per copy, no bytes written), counters and usage kept exact, and for MOVE the
// expunge from the source with its log entries, all in one commit.
import Foundation
import GRDB

/// One COPY or MOVE inside a write transaction. Copies get new rows pointing at the same blob;
/// a move re-homes the existing row, so its content reference simply travels with it.
struct MessageTransfer {
    let sourceID: MailboxID
    let destinationID: MailboxID
    let isMove: Bool
    /// How long the source's expunge log keeps entries (see ExpungeLog); MOVE prunes it.
    var expungeLogRetention: TimeInterval = SQLiteMailStore.Configuration.defaultExpungeLogRetention

    /// The columns a copy takes over unchanged from its original (RFC 4315 §3: the copy is the
    /// same message; RFC 9051 §6.4.7: flags and internal date are preserved).
    private static let copiedColumns = """
        system_flags, keywords, internal_date, size, prefix, content_sha256, metadata, subject, from_field,
        to_field, cc_field, bcc_field, message_id_header, sent_date, delivery_envelope, fulltext,
        \(SortKeyColumns.copied)
        """

    func perform(_ db: Database, uids: [UInt32]) throws -> SQLiteMailStore.WriteResult<CopyOutcome> {
        guard let source = try Row.fetchOne(db, sql: "SELECT account_id, highest_modseq FROM mailboxes WHERE id = ?",
                                            arguments: [sourceID]) else {
            throw StoreError.notFound("mailbox \(sourceID)")
        }
        let accountID: AccountID = source["account_id"]
        // DESIGN.md rule 3: a mailbox of another account is "not found", never a cross-account write.
        guard let destination = try Row.fetchOne(db, sql: """
            SELECT uid_validity, uid_next, highest_modseq FROM mailboxes WHERE id = ? AND account_id = ?
            """, arguments: [destinationID, accountID]) else {
            throw StoreError.notFound("mailbox \(destinationID)")
        }
        let uidValidity = StoreRows.uint32(destination["uid_validity"])
        let originals = try UIDRangeQuery.fetchRows(db, columns: "id, uid, size, system_flags, content_sha256",
                                                    mailboxID: sourceID, uids: uids)
        guard !originals.isEmpty else {
            return SQLiteMailStore.WriteResult(value: CopyOutcome(uidValidity: uidValidity, sourceUIDs: [], destinationUIDs: []))
        }
        let count = Int64(originals.count)
        var bytes: Int64 = 0
        var unseen: Int64 = 0
        var references: [String: Int] = [:]
        for row in originals {
            bytes += row["size"] as Int64
            if (row["system_flags"] as Int64) & MessageFlags.seenBit == 0 { unseen += 1 }
            references[row["content_sha256"], default: 0] += 1
        }
        if !isMove { try checkQuota(db, accountID: accountID, adding: bytes, messages: count) }
        var uidNext: Int64 = destination["uid_next"]
        guard uidNext >= 1, uidNext + count <= Int64(UInt32.max) else { throw StoreError.backend("mailbox UID space exhausted") }
        var modSeq: Int64 = destination["highest_modseq"]
        let saveDate = Date().timeIntervalSince1970     // RFC 8514: the date it was saved *here*
        var outcome = CopyOutcome(uidValidity: uidValidity, sourceUIDs: [], destinationUIDs: [])
        var changes: [MailboxChange] = []
        for row in originals {
            let uid = uidNext
            uidNext += 1
            modSeq += 1
            try place(db, original: row["id"], uid: uid, modSeq: modSeq, saveDate: saveDate)
            outcome.sourceUIDs.append(StoreRows.uint32(row["uid"]))
            outcome.destinationUIDs.append(UInt32(uid))
            changes.append(MailboxChange(accountID: accountID, mailboxID: destinationID, modSeq: UInt64(modSeq),
                                         kind: .appended(uid: UInt32(uid))))
        }
        try db.execute(sql: """
            UPDATE mailboxes SET uid_next = ?, highest_modseq = ?, message_count = message_count + ?,
                unseen_count = unseen_count + ?, total_bytes = total_bytes + ? WHERE id = ?
            """, arguments: [uidNext, modSeq, count, unseen, bytes, destinationID])
        if isMove {
            // Within one mailbox the expunges continue the MODSEQs just handed out.
            var sourceModSeq: Int64 = sourceID == destinationID ? modSeq : source["highest_modseq"]
            try ExpungeLog.prune(db, mailboxID: sourceID, before: saveDate - expungeLogRetention)
            for uid in outcome.sourceUIDs {
                sourceModSeq += 1
                // RFC 6851 §4.4 / RFC 7162 §3.2.10: remember the removal's MODSEQ for VANISHED.
                try ExpungeLog.record(db, mailboxID: sourceID, uid: uid, modSeq: sourceModSeq, now: saveDate)
                changes.append(MailboxChange(accountID: accountID, mailboxID: sourceID, modSeq: UInt64(sourceModSeq),
                                             kind: .expunged(uid: uid)))
            }
            try db.execute(sql: """
                UPDATE mailboxes SET highest_modseq = ?, message_count = message_count - ?,
                    unseen_count = unseen_count - ?, total_bytes = total_bytes - ? WHERE id = ?
                """, arguments: [sourceModSeq, count, unseen, bytes, sourceID])
        } else {
            for (sha, added) in references.sorted(by: { $0.key < $1.key }) {
                try db.execute(sql: "UPDATE blobs SET ref_count = ref_count + ? WHERE sha256 = ?", arguments: [added, sha])
            }
            try db.execute(sql: "UPDATE accounts SET used_bytes = used_bytes + ?, message_count = message_count + ? WHERE id = ?",
                           arguments: [bytes, count, accountID])
        }
        return SQLiteMailStore.WriteResult(value: outcome, changes: changes)
    }

    /// A copy is a new row sharing the original's content; a move re-homes the original row.
    private func place(_ db: Database, original: MessageID, uid: Int64, modSeq: Int64, saveDate: Double) throws {
        if isMove {
            try db.cachedStatement(sql: "UPDATE messages SET mailbox_id = ?, uid = ?, modseq = ?, save_date = ? WHERE id = ?")
                .execute(arguments: [destinationID, uid, modSeq, saveDate, original])
        } else {
            try db.cachedStatement(sql: """
                INSERT INTO messages (mailbox_id, uid, modseq, save_date, \(Self.copiedColumns))
                SELECT ?, ?, ?, ?, \(Self.copiedColumns) FROM messages WHERE id = ?
                """).execute(arguments: [destinationID, uid, modSeq, saveDate, original])
            // The copy is searchable like its original: its index row is the original's, copied.
            let copy = db.lastInsertedRowID
            try FullTextIndex.copy(db, from: original, to: copy)
            try FoldedSearchTable.copy(db, from: original, to: copy)
        }
    }

    /// COPY adds to the account's usage, so it obeys the quota as APPEND does: all or nothing.
    private func checkQuota(_ db: Database, accountID: AccountID, adding bytes: Int64, messages: Int64) throws {
        guard let account = try Row.fetchOne(db, sql: """
                SELECT quota_bytes, used_bytes, quota_messages, message_count FROM accounts WHERE id = ?
                """,
                                             arguments: [accountID]) else {
            throw StoreError.notFound("account \(accountID)")
        }
        let quota: Int64? = account["quota_bytes"]
        if let quota, (account["used_bytes"] as Int64) + bytes > quota {
            throw StoreError.overQuota(accountID: accountID)
        }
        // RFC 9208 §5.2: copies are new messages for the MESSAGE resource too.
        let messageQuota: Int64? = account["quota_messages"]
        if let messageQuota, (account["message_count"] as Int64) + messages > messageQuota {
            throw StoreError.overQuota(accountID: accountID)
        }
    }
}
