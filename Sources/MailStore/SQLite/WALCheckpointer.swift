// WAL checkpoints on a connection and a thread of their own, off the commit path (issue 8).
//
// Why: with SQLite's automatic checkpoint, the commit that takes the WAL past 1,000 frames runs
// the checkpoint itself before COMMIT returns (sqlite3WalDefaultHook, called from the commit):
// it copies every WAL page into the database file and fsyncs both files (8-9 ms of fdatasync on
// this machine's disk), on GRDB's one writer queue. Under imap-mix that happened several times a
// second: every STORE, APPEND and EXPUNGE of that batch, and every write queued behind it, waited.
//
// Implementation notes:
// - `install(on:)` replaces the writer's automatic checkpoint with a WAL hook (sqlite3_wal_hook
//   does exactly that): after each commit SQLite reports the WAL's size in frames; past the
//   threshold a PASSIVE checkpoint is queued here, at most one at a time, and again only once
//   the WAL grew by half the threshold since (or restarted).
// - The WAL restarts from its start only when a checkpoint copied every frame before the writer's
//   next transaction; under a steady stream of commits the one behind may never quite catch up.
//   Past `writerLimitFrames` the writer checkpoints inside its commit as SQLite's automatic one
//   does, so the WAL (and every reader's wal-index search) stays bounded.
// - A PASSIVE checkpoint never waits on and never blocks the writer or the readers (SQLite's
//   checkpointer lock is not the write lock): it copies the frames no reader still needs, and the
//   writer restarts the WAL from its start once everything was copied, as with the automatic one.
// - Durability does not depend on it: a commit is synced in the WAL before it is acknowledged;
//   the checkpoint syncs the WAL before copying and the database file after (synchronous=FULL).
import Dispatch
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

final class WALCheckpointer: Sendable {
    /// SQLite's own automatic checkpoint threshold (SQLITE_DEFAULT_WAL_AUTOCHECKPOINT), kept.
    static let defaultThresholdFrames: Int32 = 1_000

    private struct State {
        var scheduled = false
        var closed = false
        var installed = false
        /// The WAL's length when the last checkpoint was queued. While readers keep the writer
        /// from restarting the WAL it stays long; without this, every commit would queue another
        /// checkpoint of its few new frames (two more fsyncs each), back to back.
        var framesAtLastCheckpoint: Int32 = 0
        /// Checkpoints run, for tests and tuning.
        var runs = 0
    }

    private let state = Mutex(State())
    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "facteur.mailstore.checkpoint")
    private let thresholdFrames: Int32
    /// Past this many frames the writer checkpoints inside its commit (see the notes above).
    private let writerLimitFrames: Int32

    /// Opens the checkpointing connection to the database at `path` (already in WAL mode).
    init(path: String, configuration: GRDB.Configuration, thresholdFrames: Int32 = defaultThresholdFrames) throws {
        var configuration = configuration
        configuration.label = "facteur.mailstore.checkpoint"
        connection = try DatabaseQueue(path: path, configuration: configuration)
        try connection.writeWithoutTransaction { db in
            // The syncs of a checkpoint follow the checkpointing connection's setting.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        self.thresholdFrames = max(1, thresholdFrames)
        writerLimitFrames = self.thresholdFrames > Int32.max / 8 ? Int32.max : self.thresholdFrames * 8
    }

    /// Hands the writer connection's checkpoints to this object. The hook holds a strong
    /// reference until `uninstall(from:)`.
    func install(on db: Database) {
        let fresh = state.withLock { state -> Bool in
            defer { state.installed = true }
            return !state.installed
        }
        guard fresh else { return }
        let context = Unmanaged.passRetained(self).toOpaque()
        sqlite3_wal_hook(db.sqliteConnection, { context, connection, name, frames in
            guard let context else { return SQLITE_OK }
            let checkpointer = Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue()
            if checkpointer.committed(walFrames: frames) {
                // A failure leaves the frames for the next checkpoint, as SQLite's own hook does.
                _ = sqlite3_wal_checkpoint_v2(connection, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            }
            return SQLITE_OK
        }, context)
    }

    /// Removes the hook (the writer then checkpoints nothing by itself) and drops its reference.
    func uninstall(from db: Database) {
        let wasInstalled = state.withLock { state -> Bool in
            defer { state.installed = false }
            return state.installed
        }
        guard wasInstalled else { return }
        sqlite3_wal_hook(db.sqliteConnection, nil, nil)
        Unmanaged.passUnretained(self).release()
    }

    /// Called by SQLite on the writer after each commit: queues a checkpoint when the WAL is long;
    /// true when it is so long that the writer must checkpoint now, itself.
    func committed(walFrames: Int32) -> Bool {
        if walFrames >= writerLimitFrames { return true }
        let mustSchedule = state.withLock { state -> Bool in
            // Shorter than at the last checkpoint: the writer restarted the WAL from its start.
            if walFrames < state.framesAtLastCheckpoint { state.framesAtLastCheckpoint = 0 }
            guard walFrames >= thresholdFrames,
                  walFrames - state.framesAtLastCheckpoint >= max(1, thresholdFrames / 2),
                  !state.scheduled, !state.closed else { return false }
            state.scheduled = true
            state.framesAtLastCheckpoint = walFrames
            return true
        }
        if mustSchedule { queue.async { [self] in checkpoint() } }
        return false
    }

    private func checkpoint() {
        // A failure (busy, I/O) leaves the frames for the next checkpoint: nothing to report.
        try? connection.writeWithoutTransaction { db in
            _ = try db.checkpoint(.passive)
        }
        state.withLock { state in
            state.scheduled = false
            state.runs += 1
        }
    }

    var runs: Int { state.withLock(\.runs) }

    /// Waits for a running checkpoint and closes the connection; later commits queue nothing.
    func close() {
        state.withLock { $0.closed = true }
        queue.sync {}
        try? connection.close()
    }
}
