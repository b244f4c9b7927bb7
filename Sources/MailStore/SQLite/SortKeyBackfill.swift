// Stores the SORT/THREAD keys (migration "v10-sort-keys") of messages stored before the keys
// existed, in the background after the store opens (issue 8): on a store of millions of messages
// the migration's own backfill kept the server from listening for minutes. Until a row has its
// keys, SORT derives them from its summary (SortKeyColumns.records), so answers are the same
// before, during and after.
//
// Implementation notes:
// - The work to do is the settings row `sort_keys_backfill_cursor` (the last message id done),
//   written by the migration and advanced in the same transaction as each batch's keys: a crash
//   resumes after the last committed batch, and a store without the row has nothing to do (one
//   lookup per open).
// - Keys are computed from the summaries before the write transaction, which holds the writer
//   only for the UPDATEs of one batch; BackfillDriver paces the batches.
import Foundation
import GRDB
import Logging

/// A namespace: the pass is a BackfillDriver running SortKeyBatches.
enum SortKeyBackfill {
    /// The settings key holding the last message id done; absent: nothing to do.
    static let cursorSetting = "sort_keys_backfill_cursor"

    static func driver(pool: DatabasePool, logger: Logger, batchSize: Int = 200,
                       minimumPause: TimeInterval = 0.005) -> BackfillDriver {
        let batches = SortKeyBatches(pool: pool, batchSize: max(1, batchSize))
        return BackfillDriver(label: "facteur.mailstore.sortkeys", logger: logger,
                                wording: .init(started: "storing sort keys of earlier messages in the background",
                                               inProgress: "sort-key backfill in progress",
                                               finished: "sort keys stored for earlier messages",
                                               failed: "background sort-key backfill failed; the next start resumes it"),
                                minimumPause: minimumPause, batch: batches.run)
    }
}

private struct SortKeyBatches: Sendable {
    let pool: DatabasePool
    let batchSize: Int

    /// One batch: the keys of up to `batchSize` rows after the cursor, and the cursor moved past
    /// them, in one transaction. nil: nothing (left) to do; `looked` 0: this call finished the
    /// work and removed the cursor.
    func run() throws -> BackfillBatch? {
        let setting = SortKeyBackfill.cursorSetting
        let limit = batchSize
        let pending = try pool.read { db -> SortKeyColumns.PendingKeys?? in
            guard let cursor = try Int64.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?",
                                                  arguments: [setting]) else { return nil }
            return .some(try SortKeyColumns.pendingKeys(db, after: cursor, limit: limit))
        }
        // No cursor: nothing to do.
        guard let pending else { return nil }
        try pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                if let batch = pending {
                    for (id, keys) in batch.keys { try SortKeyColumns.store(db, messageID: id, keys) }
                    try db.execute(sql: "UPDATE settings SET value = ? WHERE key = ?", arguments: [batch.last, setting])
                } else {
                    try db.execute(sql: "DELETE FROM settings WHERE key = ?", arguments: [setting])
                }
                return .commit
            }
        }
        return BackfillBatch(looked: pending?.rows ?? 0, stored: pending?.keys.count ?? 0)
    }
}
