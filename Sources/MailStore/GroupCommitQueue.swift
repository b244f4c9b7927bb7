// Group commit: concurrent appends are gathered and written by one transaction with one fsync
// (DESIGN.md rule 1). No extra task or thread: the first caller to find the queue idle becomes the
// leader, writes everything queued so far, then hands leadership to the next waiting caller.
import Synchronization

/// Batches `Request`s; `commit` writes one batch and returns one outcome per request, in order.
/// While a batch is being written new requests wait for the next batch, so a burst of N callers
/// costs a handful of commits rather than N.
final class GroupCommitQueue<Request: Sendable, Outcome: Sendable>: Sendable {
    typealias Commit = @Sendable ([Request]) async -> [Outcome]

    private enum Wakeup: Sendable {
        case lead
        case done([Outcome])
    }

    private struct Entry: Sendable {
        let requests: [Request]
        /// nil for a leader that never waited (its own entry, first in its first batch).
        let continuation: CheckedContinuation<Wakeup, Never>?
    }

    private struct State {
        var pending: [Entry] = []
        var leaderActive = false
    }

    private let state = Mutex(State())
    private let commit: Commit
    /// Upper bound on requests per transaction, so one huge burst does not hold the write lock
    /// (and every reader waiting on a checkpoint) for too long.
    private let maxBatchRequests: Int

    init(maxBatchRequests: Int, commit: @escaping Commit) {
        self.maxBatchRequests = max(1, maxBatchRequests)
        self.commit = commit
    }

    /// Returns once a commit holding `requests` has finished (successfully or not).
    func submit(_ requests: [Request]) async -> [Outcome] {
        // An idle queue: lead at once, without suspending. Resuming a continuation from inside
        // `withCheckedContinuation` costs a trip through the executor's queue (a thread wake-up on
        // a busy machine) for every uncontended STORE or EXPUNGE.
        let leadsAtOnce = state.withLock { state -> Bool in
            if state.leaderActive { return false }
            // No leader means nothing is pending (leadership passes on while anything is).
            state.leaderActive = true
            state.pending.append(Entry(requests: requests, continuation: nil))
            return true
        }
        if leadsAtOnce { return await lead() }
        let wakeup = await withCheckedContinuation { (continuation: CheckedContinuation<Wakeup, Never>) in
            let becomeLeader = state.withLock { state -> Bool in
                state.pending.append(Entry(requests: requests, continuation: continuation))
                if state.leaderActive { return false }
                state.leaderActive = true
                return true
            }
            if becomeLeader { continuation.resume(returning: .lead) }
        }
        switch wakeup {
        case .done(let outcomes):
            return outcomes
        case .lead:
            return await lead()
        }
    }

    /// Writes batches until this caller's own requests are done, then passes leadership on.
    /// The leader's own entry is always in the first batch it takes: it is the oldest pending one.
    private func lead() async -> [Outcome] {
        let batch = state.withLock { state -> [Entry] in
            var taken: [Entry] = []
            var count = 0
            while let first = state.pending.first,
                  taken.isEmpty || count + first.requests.count <= maxBatchRequests {
                taken.append(state.pending.removeFirst())
                count += first.requests.count
            }
            return taken
        }
        let outcomes = await commit(batch.flatMap(\.requests))
        var own: [Outcome] = []
        var offset = 0
        for (index, entry) in batch.enumerated() {
            let slice = Array(outcomes[offset..<min(offset + entry.requests.count, outcomes.count)])
            offset += entry.requests.count
            if index == 0 { own = slice } else { entry.continuation?.resume(returning: .done(slice)) }
        }
        let next = state.withLock { state -> Entry? in
            guard let first = state.pending.first else {
                state.leaderActive = false
                return nil
            }
            return first
        }
        next?.continuation?.resume(returning: .lead)
        return own
    }
}
