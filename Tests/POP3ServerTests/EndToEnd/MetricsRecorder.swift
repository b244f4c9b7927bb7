// An in-memory swift-metrics backend for one test: sums counter increments and counts timer
// recordings per (label, dimensions). MetricsSystem is process-global, so the server takes it
// as a parameter instead.

import Metrics
import Synchronization

final class MetricsRecorder: MetricsFactory, Sendable {
    private struct Key: Hashable {
        var label: String
        var dimensions: [String]
    }

    private final class Handler: CounterHandler, TimerHandler, RecorderHandler, Sendable {
        let key: Key
        let owner: MetricsRecorder
        init(key: Key, owner: MetricsRecorder) {
            self.key = key
            self.owner = owner
        }
        func increment(by amount: Int64) { owner.add(key, amount) }
        func reset() {}
        func recordNanoseconds(_ duration: Int64) { owner.add(key, 1) }
        func record(_ value: Int64) { owner.add(key, 1) }
        func record(_ value: Double) { owner.add(key, 1) }
    }

    private let values = Mutex([Key: Int64]())

    private func add(_ key: Key, _ amount: Int64) {
        values.withLock { $0[key, default: 0] += amount }
    }

    private func key(_ label: String, _ dimensions: [(String, String)]) -> Key {
        Key(label: label, dimensions: dimensions.map { "\($0.0)=\($0.1)" }.sorted())
    }

    /// Counter total, or the number of timer recordings; 0 when never touched.
    func value(_ label: String, _ dimensions: [(String, String)]) -> Int64 {
        values.withLock { $0[key(label, dimensions)] ?? 0 }
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        Handler(key: key(label, dimensions), owner: self)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        Handler(key: key(label, dimensions), owner: self)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        Handler(key: key(label, dimensions), owner: self)
    }

    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}
