// Fan-out of committed mailbox changes to every live subscriber (IDLE sessions, POP3 locks, push).
import Foundation
import Synchronization

/// Holds the subscribers' stream continuations. Publishing never blocks and never waits for a
/// subscriber: each stream buffers at most `bufferLimit` changes and drops the oldest beyond that,
/// so a stalled session costs bounded memory (it can always resynchronise from MODSEQ).
final class ChangeBroadcaster: Sendable {
    typealias Continuation = AsyncStream<MailboxChange>.Continuation

    typealias Observer = @Sendable ([MailboxChange]) -> Void

    private let subscribers = Mutex<[UInt64: Continuation]>([:])
    /// Called on the committing thread, before the streams and before the writer's callers resume.
    private let observers = Mutex<[UInt64: (observer: Observer, observation: ChangeObservation)]>([:])
    private let nextID = Atomic<UInt64>(0)
    let bufferLimit: Int

    init(bufferLimit: Int) {
        self.bufferLimit = bufferLimit
    }

    func subscribe() -> AsyncStream<MailboxChange> {
        let (stream, continuation) = AsyncStream.makeStream(of: MailboxChange.self,
                                                            bufferingPolicy: .bufferingNewest(bufferLimit))
        let id = nextID.add(1, ordering: .relaxed).newValue
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLock { _ = $0.removeValue(forKey: id) }
        }
        return stream
    }

    /// See `MailStore.observeChanges`.
    func observe(_ observer: @escaping Observer) -> ChangeObservation {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let observation = ChangeObservation { [weak self] in
            self?.observers.withLock { _ = $0.removeValue(forKey: id) }
        }
        observers.withLock { $0[id] = (observer, observation) }
        return observation
    }

    /// Called after the commit that made `changes`, in commit order (from the writer queue).
    func publish(_ changes: [MailboxChange]) {
        guard !changes.isEmpty else { return }
        for entry in observers.withLock({ Array($0.values) }) { entry.observer(changes) }
        let current = subscribers.withLock { Array($0.values) }
        for continuation in current {
            for change in changes { continuation.yield(change) }
        }
    }

    var subscriberCount: Int { subscribers.withLock { $0.count } }

    /// Ends every stream, e.g. when the store closes.
    func finishAll() {
        let current = subscribers.withLock { dictionary in
            defer { dictionary.removeAll() }
            return Array(dictionary.values)
        }
        for continuation in current { continuation.finish() }
        let observations = observers.withLock { dictionary in
            defer { dictionary.removeAll() }
            return dictionary.values.map(\.observation)
        }
        for observation in observations { observation.cancel() }
    }
}
