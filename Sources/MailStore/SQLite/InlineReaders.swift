// Small reads run on the calling task's thread, on connections of their own (issue 8).
//
// Why: an async read through GRDB's pool hops three times (to the pool's wait queue, to the
// reader's queue, back to the caller's executor); under imap-mix each hop is a futex wake-up and a
// context switch, and store reads were most of the switches left. A read of a few hundred rows
// takes tens of microseconds, less than those hops.
//
// Implementation notes (why this is safe):
// - Callers are the store's async methods, on the calling task's thread: Swift's cooperative pool,
//   or an IMAP session's event loop (its task prefers the loop, issue 8). A read here is as short
//   as the hand-off it saves, so it is protocol-sized work even there (DESIGN.md rule 5); the
//   session takes commands over many messages off the loop (IMAPSession+EventLoop.swift).
// - It never waits for a connection: with none free it answers nil and the caller takes the pool.
// - Each connection is read-only, in WAL mode, so a read never waits for the writer; it runs in
//   one deferred transaction, a consistent snapshot, exactly like a pool read.
// - Callers use it for bounded reads only: a mailbox row, a snapshot served from SelectionCache,
//   at most one batch of messages (`inlineRowLimit`).
import Foundation
import GRDB
import Synchronization

final class InlineReaders: Sendable {
    private struct State {
        /// Connections not in use.
        var free: [DatabaseQueue]
        var closed = false
        /// Reads done inline and reads that found no free connection, for tests and tuning.
        var inline = 0
        var fellBack = 0
    }

    private let state: Mutex<State>

    /// Message rows a read may ask for and still run inline: one FETCH or SEARCH batch.
    static let inlineRowLimit = 256

    /// Opens `count` read-only connections to the database at `path` (already in WAL mode).
    init(path: String, count: Int, configuration: GRDB.Configuration) throws {
        var configuration = configuration
        configuration.readonly = true
        configuration.label = "facteur.mailstore.inline"
        // No memory map here (the pool's readers keep theirs, for large reads): in WAL mode a
        // reader that sees a commit since its last read drops its cache and unmaps the whole
        // database file (pagerBeginReadTransaction → sqlite3OsUnfetch), and under imap-mix, where
        // every other operation commits, that was ~0.2 munmap + mmap pairs per operation, each
        // unmap a TLB shoot-down and the pages faulted in again. A bounded read touches a few
        // pages: a pread each is cheaper.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA mmap_size = 0") }
        var queues: [DatabaseQueue] = []
        for _ in 0..<max(0, count) {
            queues.append(try DatabaseQueue(path: path, configuration: configuration))
        }
        state = Mutex(State(free: queues))
    }

    /// Runs `body` in a read transaction on a free connection, on this thread; nil (and `body` not
    /// run) when every connection is in use or the store is closed.
    func read<T>(_ body: (Database) throws -> T) throws -> T? {
        let taken = state.withLock { state -> DatabaseQueue? in
            guard !state.closed, let queue = state.free.popLast() else {
                state.fellBack += 1
                return nil
            }
            state.inline += 1
            return queue
        }
        guard let queue = taken else { return nil }
        defer {
            state.withLock { state in
                if state.closed { try? queue.close() } else { state.free.append(queue) }
            }
        }
        return try queue.inDatabase { db in
            try db.beginTransaction(.deferred)
            defer {
                // Leave the snapshot whatever happened: the next read must see newer commits.
                if db.isInsideTransaction { try? db.commit() }
            }
            return try body(db)
        }
    }

    var statistics: (inline: Int, fellBack: Int) {
        state.withLock { ($0.inline, $0.fellBack) }
    }

    /// Closes the connections; later reads fall back to the pool (closed too by then). A
    /// connection in use is closed when its read ends.
    func close() {
        let queues = state.withLock { state -> [DatabaseQueue] in
            state.closed = true
            defer { state.free = [] }
            return state.free
        }
        for queue in queues { try? queue.close() }
    }
}
