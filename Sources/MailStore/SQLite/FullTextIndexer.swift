// Full-text indexing after the commit (issue 8): an append stores its message as pending
// (fulltext = 0) and this indexer builds the trigram rows later, in the background. Until a
// message is indexed SEARCH reads it (its UID is always a candidate, FullTextIndex.candidates),
// so results are exact at every moment.
//
// Implementation notes (session 5, pacing):
// - While appends keep coming, the indexer works in small paced batches (`busyBatchSize`, then a
//   pause at least as long as the batch took): no index commit holds the writer for long, and the
//   indexer takes at most about half of one thread. Indexing everything in batches of 200 at the
//   5 s deadline made catch-up bursts that raised smtp-accept's DATA-to-250 p99 from 63 to 204 ms
//   over a 10,000-message run.
// - Once appends pause (`quietPeriod`), it indexes in large batches back to back, and goes back
//   to paced batches as soon as an append arrives.
// - Stored messages still pending when the store opens (a crash, an upgrade, an import) are the
//   same work: `noteBacklog` starts it after open, so opening never waits for it; progress is
//   logged. Pending is a column, so the work resumes wherever a crash left it.
import Dispatch
import Foundation
import GRDB
import Logging
import Synchronization

/// Runs on its own serial dispatch queue (store work stays on the store's threads, DESIGN.md
/// rule 5), so it needs no task and no service.
final class FullTextIndexer: Sendable {
    /// When and how much to index.
    struct Timing: Sendable {
        /// Appends paused this long: index in `idleBatchSize` batches back to back.
        var quietPeriod: TimeInterval
        /// The oldest pending append waited this long: index paced `busyBatchSize` batches.
        var maximumDelay: TimeInterval
        var busyBatchSize = 16
        var idleBatchSize = FullTextBackfill.batchSize
        /// Least pause between paced batches (the pause is at least the batch's own duration).
        var minimumPause: TimeInterval = 0.005
    }

    private struct State {
        var scheduled = false
        var closed = false
        /// Uptime nanoseconds of the newest append and of the oldest not yet indexed.
        var lastAppend: UInt64 = 0
        var firstPending: UInt64?
        /// Set at open: the next tick looks for what an earlier process left pending.
        var backlogDue = false
        /// Progress of the backlog found at open, logged until it is indexed.
        var reportsBacklog = false
        var backlogIndexed = 0
        var nextReport = FullTextIndexer.reportEvery
    }

    private enum Mode { case idle, busy }

    private enum Decision {
        case stop
        case wait(UInt64)
        case run(Mode)
    }

    /// Backlog progress is logged every this many messages.
    static let reportEvery = 10_000
    /// What `close` still indexes before the process ends; the rest waits for the next open.
    static let closeBudget = 5_000

    private let pool: DatabasePool
    private let blobFiles: BlobFileStore
    private let timing: Timing
    private let logger: Logger
    private let queue = DispatchQueue(label: "facteur.mailstore.fulltext")
    private let state = Mutex(State())
    /// Whether writes wait for the writer (set once by the store, which owns their queues).
    private let writersWaitingProbe = Mutex<@Sendable () -> Bool>({ false })

    init(pool: DatabasePool, blobFiles: BlobFileStore, timing: Timing, logger: Logger) {
        self.pool = pool
        self.blobFiles = blobFiles
        self.timing = timing
        self.logger = logger
    }

    /// Tells the indexer how to see that writes wait for the writer: idle batches then stop early.
    func yield(to writersWaiting: @escaping @Sendable () -> Bool) {
        writersWaitingProbe.withLock { $0 = writersWaiting }
    }

    private var writersWaiting: @Sendable () -> Bool { writersWaitingProbe.withLock { $0 } }

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
        if schedule { wake(after: min(timing.quietPeriod, timing.maximumDelay)) }
    }

    /// Called once the store is open: indexes whatever an earlier process left pending, starting
    /// `delay` from now, in the background, logging progress.
    func noteBacklog(after delay: TimeInterval) {
        let schedule = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            // Due at once, whatever the timing; appends that come meanwhile pace it.
            state.backlogDue = true
            if state.firstPending == nil { state.firstPending = DispatchTime.now().uptimeNanoseconds }
            state.reportsBacklog = true
            guard !state.scheduled else { return false }
            state.scheduled = true
            return true
        }
        if schedule { wake(after: delay) }
    }

    /// Indexes everything pending now (at most `budget` messages), on the caller's thread;
    /// returns how many messages it looked at.
    func indexPending(budget: Int = .max) throws -> Int {
        try queue.sync {
            // What was noted so far is covered by this run; a scheduled tick finds nothing to do.
            state.withLock { $0.firstPending = nil }
            return try FullTextBackfill.run(pool: pool, blobFiles: blobFiles, budget: budget)
        }
    }

    /// Stops scheduling, waits for a batch in progress, then indexes a bounded amount of what is
    /// left, so a short-lived process (`facteur import`) leaves little for the next start.
    func close() {
        let wasOpen = state.withLock { state -> Bool in
            defer { state.closed = true }
            return !state.closed
        }
        guard wasOpen else { return }
        do { _ = try indexPending(budget: Self.closeBudget) } catch {
            logger.error("full-text indexing at close failed; the next start indexes the rest",
                         metadata: ["store.error": "\(StoreError(mapping: error))"])
        }
    }

    private func wake(after delay: TimeInterval) {
        wake(afterNanoseconds: UInt64(max(0, delay) * 1_000_000_000))
    }

    private func wake(afterNanoseconds nanoseconds: UInt64) {
        queue.asyncAfter(deadline: .now() + .nanoseconds(Int(clamping: nanoseconds))) { [self] in tick() }
    }

    private func decide(now: UInt64) -> Decision {
        let quiet = UInt64(timing.quietPeriod * 1_000_000_000)
        let longest = UInt64(timing.maximumDelay * 1_000_000_000)
        return state.withLock { state -> Decision in
            guard !state.closed, let firstPending = state.firstPending else {
                state.scheduled = false
                return .stop
            }
            let quietAt = state.lastAppend &+ quiet
            let dueAt = firstPending &+ longest
            if state.backlogDue {
                state.backlogDue = false
                return .run(.idle)
            }
            if now >= quietAt { return .run(.idle) }
            if now >= dueAt { return .run(.busy) }
            return .wait(min(quietAt, dueAt) - now)
        }
    }

    /// One step: a run of batches when appends have paused, one small batch when they have not
    /// but the oldest pending message waited long enough, otherwise a sleep until the earlier.
    private func tick() {
        let started = DispatchTime.now().uptimeNanoseconds
        let mode: Mode
        switch decide(now: started) {
        case .stop: return
        case .wait(let nanoseconds):
            wake(afterNanoseconds: nanoseconds)
            return
        case .run(let chosen): mode = chosen
        }
        var looked = 0
        var drained = false
        var failed = false
        do {
            switch mode {
            case .idle:
                while true {
                    // Large batches, but each gives the writer up as soon as a write waits: the
                    // next batch queues behind it.
                    let batch = try FullTextBackfill.indexBatch(pool: pool, blobFiles: blobFiles,
                                                                limit: timing.idleBatchSize,
                                                                writersWaiting: writersWaiting)
                    looked += batch.looked
                    if !batch.mayHaveMore {
                        drained = true
                        break
                    }
                    // A delivery arrived or a write waits: leave the writer to it and continue paced
                    // (building the next 200 documents only to index one of them is wasted work).
                    if batch.stoppedForWriters || state.withLock({ $0.closed || $0.lastAppend > started }) { break }
                }
            case .busy:
                // Small and paced already; not cut short, so indexing keeps up under constant writes.
                let batch = try FullTextBackfill.indexBatch(pool: pool, blobFiles: blobFiles, limit: timing.busyBatchSize)
                looked = batch.looked
                drained = !batch.mayHaveMore
            }
        } catch {
            // Pending rows stay searchable by reading; retried after a while.
            failed = true
            logger.error("background full-text indexing failed", metadata: ["store.error": "\(StoreError(mapping: error))"])
        }
        let elapsed = DispatchTime.now().uptimeNanoseconds &- started
        let (next, report) = state.withLock { state -> (UInt64?, String?) in
            var report: String?
            if state.reportsBacklog {
                state.backlogIndexed += looked
                if drained {
                    state.reportsBacklog = false
                    if state.backlogIndexed > 0 { report = "full-text index built for stored messages" }
                } else if state.backlogIndexed >= state.nextReport {
                    state.nextReport = state.backlogIndexed + Self.reportEvery
                    report = "full-text indexing of stored messages in progress"
                }
            }
            if drained {
                // Everything committed before `started` was read by the batch; later appends may not have been.
                state.firstPending = state.lastAppend > started ? started : nil
            }
            if state.closed || state.firstPending == nil {
                state.scheduled = false
                return (nil, report)
            }
            if failed { return (UInt64(max(timing.maximumDelay, 1) * 1_000_000_000), report) }
            // Paced: a pause at least as long as the batch, so indexing takes at most half a thread.
            return (max(UInt64(timing.minimumPause * 1_000_000_000), elapsed), report)
        }
        if let report {
            let count = state.withLock { $0.backlogIndexed }
            logger.notice("\(report)", metadata: ["store.messages": "\(count)"])
        }
        if let next { wake(afterNanoseconds: next) }
    }
}
