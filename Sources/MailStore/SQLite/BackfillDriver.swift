// Paces a backfill of earlier messages (SortKeyBackfill, DeliveryDataBackfill) on a serial
// dispatch queue of its own, after the store opened (issue 8: a backfill inside a migration kept a
// large store's first start waiting for minutes).
//
// Implementation notes:
// - Each batch is one short write transaction that also moves the backfill's cursor, so a crash
//   or a restart resumes after the last committed batch; the driver keeps no state that matters.
// - After a batch the driver pauses at least as long as the batch took, so deliveries keep the
//   writer and at least half of this thread's time.
import Dispatch
import Foundation
import GRDB
import Logging
import Synchronization

/// One batch's outcome: `looked` rows were gone through and `stored` of them got values. nil
/// from the batch function: nothing (left) to do; `looked` 0: this batch finished the work.
struct BackfillBatch: Equatable, Sendable {
    var looked: Int
    var stored: Int
}

/// What a backfill logs, at notice: when it starts, every `reportEvery` rows, when it is done;
/// and what it says when a batch fails.
struct BackfillWording: Sendable {
    var started: String
    var inProgress: String
    var finished: String
    var failed: String
    /// Progress is logged every this many rows.
    var reportEvery = 10_000
}

/// No task, no service: a queue, like FullTextIndexer. `batch` runs only on that queue.
final class BackfillDriver: Sendable {
    private struct State {
        var closed = false
        var stored = 0
        var looked = 0
        var nextReport: Int
    }

    private let logger: Logger
    private let wording: BackfillWording
    private let minimumPause: TimeInterval
    private let queue: DispatchQueue
    private let state: Mutex<State>
    private let batch: @Sendable () throws -> BackfillBatch?

    init(label: String, logger: Logger, wording: BackfillWording, minimumPause: TimeInterval,
         batch: @escaping @Sendable () throws -> BackfillBatch?) {
        self.logger = logger
        self.wording = wording
        self.minimumPause = minimumPause
        self.queue = DispatchQueue(label: label)
        self.state = Mutex(State(nextReport: wording.reportEvery))
        self.batch = batch
    }

    /// Starts the background work `delay` from now; it stops by itself once done.
    func start(after delay: TimeInterval) {
        queue.asyncAfter(deadline: .now() + .nanoseconds(Int(max(0, delay) * 1_000_000_000))) { [self] in step() }
    }

    /// Runs every remaining batch now, on the caller's thread (tests, maintenance), in turn with
    /// the background's; returns how many rows got values.
    func runToCompletion() throws -> Int {
        try queue.sync {
            var stored = 0
            while let done = try batch() { stored += done.stored }
            return stored
        }
    }

    /// One batch now, on the queue, in turn with the background's (tests).
    func runBatch() throws -> BackfillBatch? {
        try queue.sync { try batch() }
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
        let done: BackfillBatch?
        do {
            done = try batch()
        } catch {
            // The cursor is where the last committed batch left it: the next open resumes there.
            logger.error("\(wording.failed)", metadata: ["store.error": "\(StoreError(mapping: error))"])
            return
        }
        guard let done else { return }
        let wording = wording
        let (report, total) = state.withLock { state -> (String?, Int) in
            let first = state.looked == 0 && done.looked > 0
            state.looked += done.looked
            state.stored += done.stored
            if done.looked == 0 {
                return (state.looked > 0 ? wording.finished : nil, state.stored)
            }
            if first { return (wording.started, state.looked) }
            if state.looked >= state.nextReport {
                state.nextReport = state.looked + wording.reportEvery
                return (wording.inProgress, state.stored)
            }
            return (nil, state.stored)
        }
        if let report { logger.notice("\(report)", metadata: ["store.messages": "\(total)"]) }
        guard done.looked > 0 else { return }
        let elapsed = DispatchTime.now().uptimeNanoseconds &- started
        let pause = max(UInt64(minimumPause * 1_000_000_000), elapsed)
        queue.asyncAfter(deadline: .now() + .nanoseconds(Int(clamping: pause))) { [self] in step() }
    }
}
