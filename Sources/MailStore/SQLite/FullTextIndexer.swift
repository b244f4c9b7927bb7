// Full-text indexing after the commit (issue 8): an append stores its message as pending
// (fulltext = 0) and this indexer builds the trigram rows later, in batches, when deliveries pause.
// Building the folded text was ~5 % of the server's CPU inside the delivery path and the FTS5
// insert lengthened every group commit. Until a message is indexed SEARCH reads it (its UID is
// always a candidate, FullTextIndex.candidates), so results are exact at every moment.
import Dispatch
import Foundation
import GRDB
import Logging
import Synchronization

/// Runs on its own serial dispatch queue (store work stays on the store's threads, DESIGN.md
/// rule 5), so it needs no task and no service; a crash leaves pending rows, which the store
/// indexes when it opens (FullTextBackfill).
final class FullTextIndexer: Sendable {
    /// When to index: once no append came for `quietPeriod`, and at the latest `maximumDelay`
    /// after the first pending append, so a constant stream of mail still gets indexed.
    struct Timing: Sendable {
        var quietPeriod: TimeInterval
        var maximumDelay: TimeInterval
    }

    private struct State {
        var scheduled = false
        var closed = false
        /// Uptime nanoseconds of the newest append and of the oldest not yet indexed.
        var lastAppend: UInt64 = 0
        var firstPending: UInt64?
    }

    private let pool: DatabasePool
    private let blobFiles: BlobFileStore
    private let timing: Timing
    private let logger: Logger
    private let queue = DispatchQueue(label: "facteur.mailstore.fulltext")
    private let state = Mutex(State())

    init(pool: DatabasePool, blobFiles: BlobFileStore, timing: Timing, logger: Logger) {
        self.pool = pool
        self.blobFiles = blobFiles
        self.timing = timing
        self.logger = logger
    }

    /// Called after a commit that stored messages: schedules a run unless one is scheduled.
    func noteAppended() {
        let now = DispatchTime.now().uptimeNanoseconds
        let schedule = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.lastAppend = now
            if state.firstPending == nil { state.firstPending = now }
            guard !state.scheduled else { return false }
            state.scheduled = true
            return true
        }
        if schedule { wake(after: timing.quietPeriod) }
    }

    /// Indexes everything pending now, on the caller's thread; returns how many messages it looked at.
    func indexPending() throws -> Int {
        try queue.sync {
            // What was noted so far is covered by this run; a scheduled tick finds nothing to do.
            state.withLock { $0.firstPending = nil }
            return try FullTextBackfill.run(pool: pool, blobFiles: blobFiles)
        }
    }

    /// Stops scheduling, waits for a run in progress, then indexes what is left, so a short-lived
    /// process (`facteur import`) leaves nothing for the next start.
    func close() {
        let wasOpen = state.withLock { state -> Bool in
            defer { state.closed = true }
            return !state.closed
        }
        guard wasOpen else { return }
        do { _ = try indexPending() } catch {
            logger.error("full-text indexing at close failed; the next start indexes the rest",
                         metadata: ["store.error": "\(StoreError(mapping: error))"])
        }
    }

    private func wake(after delay: TimeInterval) {
        let nanoseconds = Int(max(0, delay) * 1_000_000_000)
        queue.asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) { [self] in tick() }
    }

    /// Indexes when deliveries have paused or the oldest pending message waited long enough;
    /// otherwise sleeps until the earlier of the two.
    private func tick() {
        let now = DispatchTime.now().uptimeNanoseconds
        let quiet = UInt64(timing.quietPeriod * 1_000_000_000)
        let longest = UInt64(timing.maximumDelay * 1_000_000_000)
        let wait = state.withLock { state -> UInt64? in
            guard !state.closed, let firstPending = state.firstPending else {
                state.scheduled = false
                return nil
            }
            let quietAt = state.lastAppend &+ quiet
            let dueAt = firstPending &+ longest
            let runAt = min(quietAt, dueAt)
            if runAt > now { return runAt - now }
            // From here on, appends are pending for the next run.
            state.firstPending = nil
            return 0
        }
        guard let wait else { return }
        if wait > 0 {
            wake(after: TimeInterval(wait) / 1_000_000_000)
            return
        }
        do {
            _ = try FullTextBackfill.run(pool: pool, blobFiles: blobFiles)
        } catch {
            // Pending rows stay searchable by reading; the next append or start retries.
            logger.error("background full-text indexing failed", metadata: ["store.error": "\(StoreError(mapping: error))"])
        }
        let again = state.withLock { state -> Bool in
            if state.firstPending == nil || state.closed {
                state.scheduled = false
                return false
            }
            return true
        }
        if again { wake(after: timing.quietPeriod) }
    }
}
