// How a session's instructions reach the framing handler: written straight into the channel,
// waiting only while the channel is not writable.

import NIOCore
import Synchronization

/// The session's side of the channel (what `NIOAsyncChannelOutboundWriter` was before the
/// session stopped holding a task per connection). Instructions are written and flushed in the
/// order `write` is called: a session writes from one task at a time; on the event loop (where its
/// task runs) a write goes straight into the pipeline, and writes from outside it (a command run
/// off the loop) are queued on it first in, first out, ahead of the session's return to it. Back-pressure: `write` suspends while the
/// channel is over its high water mark (a client that does not read a large FETCH), and throws
/// once the channel has closed, so a session stops producing output nobody will read.
final class IMAPOutboundWriter: Sendable {
    private struct State {
        var writable = true
        var closed = false
        var waiters: [CheckedContinuation<Void, any Error>] = []
    }

    private let channel: any Channel
    private let state = Mutex(State())

    init(channel: any Channel) {
        self.channel = channel
    }

    func write(_ instruction: IMAPOutboundInstruction) async throws {
        try await waitUntilWritable()
        channel.writeAndFlush(instruction, promise: nil)
    }

    private func waitUntilWritable() async throws {
        enum Ready { case now, closed, later }
        if state.withLock({ $0.closed ? Ready.closed : $0.writable ? Ready.now : Ready.later }) == .now { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let ready = state.withLock { state -> Ready in
                if state.closed { return .closed }
                if state.writable { return .now }
                state.waiters.append(continuation)
                return .later
            }
            switch ready {
            case .now: continuation.resume()
            case .closed: continuation.resume(throwing: ChannelError.ioOnClosedChannel)
            case .later: break
            }
        }
    }

    /// From the event loop (`IMAPSessionDriver.Handler`), on every writability change.
    func writabilityChanged(_ writable: Bool) {
        let waiters = state.withLock { state in
            state.writable = writable
            guard writable else { return [CheckedContinuation<Void, any Error>]() }
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume() }
    }

    /// From the event loop when the channel goes inactive: every later write throws.
    func closed() {
        let waiters = state.withLock { state in
            state.closed = true
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume(throwing: ChannelError.ioOnClosedChannel) }
    }
}
