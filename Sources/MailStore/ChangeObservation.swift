// A registration for committed changes delivered on the committing thread (`MailStore.observeChanges`).
import Synchronization

/// Keeps an observer registered until `cancel()` or the store closes; `ended()` waits for either,
/// so a service can hold the registration for exactly as long as it runs. `Sendable`: the state is
/// behind a mutex, and cancelling from any thread is fine.
public final class ChangeObservation: Sendable {
    private struct State {
        var ended = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    private let unregister: @Sendable () -> Void

    /// `unregister` removes the observer from the store; it runs once, at the end.
    public init(unregister: @escaping @Sendable () -> Void) {
        self.unregister = unregister
    }

    /// Stops the observer; wakes `ended()`. Safe to call more than once.
    public func cancel() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>]? in
            guard !state.ended else { return nil }
            state.ended = true
            defer { state.waiters = [] }
            return state.waiters
        }
        guard let waiters else { return }
        unregister()
        waiters.forEach { $0.resume() }
    }

    /// Returns once the observation has ended: `cancel()`, the store closing, or the calling task
    /// being cancelled (which cancels the observation).
    public func ended() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let over = state.withLock { state -> Bool in
                    if state.ended { return true }
                    state.waiters.append(continuation)
                    return false
                }
                if over { continuation.resume() }
            }
        } onCancel: {
            cancel()
        }
    }

    public var isEnded: Bool { state.withLock { $0.ended } }
}
