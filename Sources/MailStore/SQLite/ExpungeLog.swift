// The expunge log behind QRESYNC's VANISHED (RFC 7162 §3.2.5.1, §3.2.10): every removed UID with
// the MODSEQ of its removal and the time it happened.
//
// Retention: an entry is kept at least `SQLiteMailStore.Configuration.expungeLogRetention`
// (180 days by default, twice the 90 days a phone may stay offline). Pruning is bounded and needs
// no scheduler: every transaction that expunges from a mailbox (EXPUNGE, CLOSE, MOVE) first drops
// that mailbox's entries older than the retention, through the (mailbox_id, expunged_at) index.
// The highest pruned MODSEQ is kept as the mailbox's `expunge_log_floor`: a client resyncing from
// below it is told of every known UID that is gone (RFC 7162 §3.2.6 <minmodseq>), never nothing.
import Foundation
import GRDB

enum ExpungeLog {
    /// Records one removal. `now` is seconds since 1970.
    static func record(_ db: Database, mailboxID: MailboxID, uid: UInt32, modSeq: Int64, now: Double) throws {
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO expunged (mailbox_id, uid, modseq, expunged_at) VALUES (?, ?, ?, ?)
            """).execute(arguments: [mailboxID, uid, modSeq, now])
    }

    /// Drops the mailbox's entries recorded before `cutoff` and raises its floor to the highest
    /// MODSEQ dropped. Returns how many entries went.
    @discardableResult
    static func prune(_ db: Database, mailboxID: MailboxID, before cutoff: Double) throws -> Int {
        guard let highest = try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT MAX(modseq) FROM expunged WHERE mailbox_id = ? AND expunged_at < ?
            """), arguments: [mailboxID, cutoff]) else { return 0 }
        try db.cachedStatement(sql: "DELETE FROM expunged WHERE mailbox_id = ? AND expunged_at < ?")
            .execute(arguments: [mailboxID, cutoff])
        let removed = db.changesCount
        try db.cachedStatement(sql: "UPDATE mailboxes SET expunge_log_floor = MAX(expunge_log_floor, ?) WHERE id = ?")
            .execute(arguments: [highest, mailboxID])
        return removed
    }
}
