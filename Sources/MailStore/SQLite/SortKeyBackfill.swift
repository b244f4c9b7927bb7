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
//   only for the UPDATEs of one batch; a pause at least as long as the batch follows, so
//   deliveries keep the writer and at least half of this thread's time.
import Dispatch
import Foundation
import GRDB
import Logging
import Synchronization

/// Runs on its own serial dispatch queue, like FullTextIndexer: no task, no service.
final class SortKeyBackfill: Sendable {
    /// The settings key holding the last message id done; absent: nothing to do.
    static let cursorSetting = "sort_keys_backfill_cursor"
    /// Progress is logged every this many messages.
    static let reportEvery = 10_000

    private struct State {
        var closed = false
        var stored = 0
        var looked = 0
        var nextReport = SortKeyBackfill.reportEvery
    }

    private let pool: DatabasePool
    private let logger: Logger
    private let batchSize: Int
    private let minimumPause: TimeInterval
    private let queue = DispatchQueue(label: "facteur.mailstore.sortkeys")
    private let state = Mutex(State())

    init(pool: DatabasePool, logger: Logger, batchSize: Int = 200, minimumPause: TimeInterval = 0.005) {
        self.pool = pool
        self.logger = logger
        self.batchSize = max(1, batchSize)
        self.minimumPause = minimumPause
    }

    /// Starts the background work `delay` from now; it stops by itself once done.
    func start(after delay: TimeInterval) {
        queue.asyncAfter(deadline: .now() + .nanoseconds(Int(max(0, delay) * 1_000_000_000))) { [self] in step() }
    }

    /// Runs every remaining batch now, on the caller's thread (tests, maintenance); returns how
    /// many rows got keys.
    func runToCompletion() throws -> Int {
        try queue.sync {
            var stored = 0
            while let batch = try runBatch() { stored += batch.stored }
            return stored
        }
    }

    /// Stops the background work after the batch in progress; the cursor keeps the rest for the
    /// next open.
    func close() {
        state.withLock { $0.closed = true }
        queue.sync {}
    }

    /// One batch in the background, then the next after a pause.
    private func step() {
        guard !state.withLock({ $0.closed }) else { return }
        let started = DispatchTime.now().uptimeNanoseconds
        let batch: (looked: Int, stored: Int)?
        do {
            batch = try runBatch()
        } catch {
            // The cursor is where the last committed batch left it: the next open resumes there.
            logger.error("background sort-key backfill failed; the next start resumes it",
                         metadata: ["store.error": "\(StoreError(mapping: error))"])
            return
        }
        guard let batch else { return }
        let (report, total) = state.withLock { state -> (String?, Int) in
            let first = state.looked == 0 && batch.looked > 0
            state.looked += batch.looked
            state.stored += batch.stored
            if batch.looked == 0 {
                return (state.looked > 0 ? "sort keys stored for earlier messages" : nil, state.stored)
            }
            if first { return ("storing sort keys of earlier messages in the background", state.looked) }
            if state.looked >= state.nextReport {
                state.nextReport = state.looked + Self.reportEvery
                return ("sort-key backfill in progress", state.stored)
            }
            return (nil, state.stored)
        }
        if let report { logger.notice("\(report)", metadata: ["store.messages": "\(total)"]) }
        guard batch.looked > 0 else { return }
        let elapsed = DispatchTime.now().uptimeNanoseconds &- started
        let pause = max(UInt64(minimumPause * 1_000_000_000), elapsed)
        queue.asyncAfter(deadline: .now() + .nanoseconds(Int(clamping: pause))) { [self] in step() }
    }

    /// One batch: the keys of up to `batchSize` rows after the cursor, and the cursor moved past
    /// them, in one transaction. nil: nothing (left) to do; `looked` 0: this call finished the
    /// work and removed the cursor.
    func runBatch() throws -> (looked: Int, stored: Int)? {
        let setting = Self.cursorSetting
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
        return (pending?.rows ?? 0, pending?.keys.count ?? 0)
    }
}
