// Group commit driven by the writer itself (DESIGN.md rule 1; issue 8): concurrent requests share
// one transaction and its one fsync, and the writer goes from one batch to the next without
// waiting for any caller's task to run.
//
// Why not a leader among the callers (the session-7 GroupCommitQueue): there, after each commit
// the writer resumed the leading caller, which resumed the others and handed leadership to the
// next waiting caller, which only then sent the next batch to the writer. Each of those steps
// waited its turn on Swift's cooperative pool, busy with every other IMAP command, so under
// imap-mix (20 clients) the writer sat idle between commits and a STORE whose own work takes
// under 2 ms answered after 10-15 ms.
//
// Implementation notes:
// - `schedule` runs its closure on the writer's serial queue (GRDB's writer for the store).
// - One batch per scheduled closure: when more requests wait, the next batch is scheduled again
//   behind whatever else was queued on the writer meanwhile (the full-text indexer, the other
//   queue), so a constant stream of requests never starves them.
// - A caller is resumed only after `commit` returned, i.e. after the transaction committed (or
//   failed): its answer never runs ahead of durability.
import Synchronization

/// Batches `Request`s; `commit` writes one batch on the writer and returns one outcome per
/// request, in order. `Context` is what the writer hands its work (the database connection).
final class WriterCommitQueue<Context, Request: Sendable, Outcome: Sendable>: Sendable {
    typealias Schedule = @Sendable (@escaping @Sendable (Context) -> Void) -> Void
    typealias Commit = @Sendable (Context, [Request]) -> [Outcome]

    private struct Entry: Sendable {
        let requests: [Request]
        let continuation: CheckedContinuation<[Outcome], Never>
    }

    private struct State {
        var pending: [Entry] = []
        /// A drain is queued on the writer or running: new requests only need to be appended.
        var scheduled = false
    }

    private let state = Mutex(State())
    private let schedule: Schedule
    private let commit: Commit
    /// Upper bound on requests per transaction, so one huge burst does not hold the write lock
    /// (and every reader waiting on a checkpoint) for too long.
    private let maxBatchRequests: Int

    init(maxBatchRequests: Int, schedule: @escaping Schedule, commit: @escaping Commit) {
        self.maxBatchRequests = max(1, maxBatchRequests)
        self.schedule = schedule
        self.commit = commit
    }

    /// Requests wait that no batch has taken yet (the full-text indexer gives the writer up).
    var hasWaitingRequests: Bool { state.withLock { !$0.pending.isEmpty } }

    /// Returns once a commit holding `requests` has finished (successfully or not).
    func submit(_ requests: [Request]) async -> [Outcome] {
        guard !requests.isEmpty else { return [] }
        return await withCheckedContinuation { continuation in
            let mustSchedule = state.withLock { state -> Bool in
                state.pending.append(Entry(requests: requests, continuation: continuation))
                if state.scheduled { return false }
                state.scheduled = true
                return true
            }
            if mustSchedule { schedule { [self] context in drain(context) } }
        }
    }

    /// On the writer: commits the oldest waiting requests (one batch), answers their callers,
    /// and queues itself again while requests remain.
    private func drain(_ context: Context) {
        let batch = state.withLock { state -> [Entry] in
            var taken: [Entry] = []
            var count = 0
            while let first = state.pending.first,
                  taken.isEmpty || count + first.requests.count <= maxBatchRequests {
                taken.append(state.pending.removeFirst())
                count += first.requests.count
            }
            if taken.isEmpty { state.scheduled = false }
            return taken
        }
        guard !batch.isEmpty else { return }
        let outcomes = commit(context, batch.flatMap(\.requests))
        var offset = 0
        for entry in batch {
            let end = min(offset + entry.requests.count, outcomes.count)
            entry.continuation.resume(returning: Array(outcomes[min(offset, end)..<end]))
            offset += entry.requests.count
        }
        let more = state.withLock { state -> Bool in
            if state.pending.isEmpty {
                state.scheduled = false
                return false
            }
            return true
        }
        if more { schedule { [self] context in drain(context) } }
    }
}
