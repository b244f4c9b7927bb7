// A swift-metrics backend that notes on which thread a FETCH reports its octets: the session's
// event loop or elsewhere. `facteur_imap_fetched_bytes_total` is counted inside the FETCH command
// itself, so it tells where the command ran (IMAPSession+EventLoop.swift).

import Foundation
import Metrics
import NIOCore
import Synchronization

final class LoopObservingMetricsFactory: MetricsFactory, Sendable {
    private struct State {
        /// One entry per FETCH: true when it ran on `loop`.
        var fetchesOnLoop: [Bool] = []
        /// While set, the next FETCH waits here (up to the timeout) before it completes, wherever
        /// it runs: on the loop it would hold every connection of the loop, off it none.
        var gate: DispatchSemaphore?
    }

    private let loop: any EventLoop
    private let state = Mutex(State())

    init(loop: any EventLoop) {
        self.loop = loop
    }

    var fetchesOnLoop: [Bool] { state.withLock { $0.fetchesOnLoop } }

    /// Holds the next FETCH until the returned semaphore is signalled.
    func holdNextFetch() -> DispatchSemaphore {
        let gate = DispatchSemaphore(value: 0)
        state.withLock { $0.gate = gate }
        return gate
    }

    fileprivate func fetchCounted() {
        let onLoop = loop.inEventLoop
        let gate = state.withLock { state -> DispatchSemaphore? in
            state.fetchesOnLoop.append(onLoop)
            defer { state.gate = nil }
            return state.gate
        }
        // Bounded: a test whose release never comes fails by its own checks, it does not hang.
        _ = gate?.wait(timeout: .now() + 10)
    }

    private final class Sink: CounterHandler, TimerHandler, RecorderHandler, Sendable {
        let factory: LoopObservingMetricsFactory?
        init(_ factory: LoopObservingMetricsFactory?) { self.factory = factory }
        func increment(by amount: Int64) { factory?.fetchCounted() }
        func reset() {}
        func recordNanoseconds(_ duration: Int64) {}
        func record(_ value: Int64) {}
        func record(_ value: Double) {}
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        Sink(label == "facteur_imap_fetched_bytes_total" ? self : nil)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        Sink(nil)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        Sink(nil)
    }

    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}
