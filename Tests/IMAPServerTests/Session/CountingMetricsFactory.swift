// A swift-metrics backend that only sums counters per label and dimensions: what a test reads to
// see whether a speed path was taken (the server takes its factory as a parameter).

import Metrics
import Synchronization

final class CountingMetricsFactory: MetricsFactory, Sendable {
    private let totals = Mutex([String: Int64]())

    private final class Sink: CounterHandler, TimerHandler, RecorderHandler, Sendable {
        let name: String
        let factory: CountingMetricsFactory
        init(_ name: String, _ factory: CountingMetricsFactory) {
            self.name = name
            self.factory = factory
        }
        func increment(by amount: Int64) { factory.totals.withLock { $0[name, default: 0] += amount } }
        func reset() {}
        /// A timer counts its recordings, so a test can see that a duration was recorded.
        func recordNanoseconds(_ duration: Int64) { increment(by: 1) }
        func record(_ value: Int64) {}
        func record(_ value: Double) {}
    }

    /// "label{a=b,c=d}" with the dimensions sorted, so the order they were given in does not matter.
    private static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        label + "{" + dimensions.map { "\($0.0)=\($0.1)" }.sorted().joined(separator: ",") + "}"
    }

    /// The sum of a counter's increments so far; 0 for one never incremented.
    func total(_ label: String, _ dimensions: [(String, String)]) -> Int64 {
        totals.withLock { $0[Self.key(label, dimensions)] ?? 0 }
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        Sink(Self.key(label, dimensions), self)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        Sink(Self.key(label, dimensions), self)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        Sink(Self.key(label, dimensions), self)
    }

    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}

extension CountingMetricsFactory {
    /// How often sessions of the plain `imap` listener read the store to catch up with changes.
    var catchUpsFromStore: Int64 { total("facteur_imap_catch_ups_total", [("listener", "imap"), ("source", "store")]) }
    /// How often they caught up from their own writes alone, without reading.
    var catchUpsFromOwnChanges: Int64 { total("facteur_imap_catch_ups_total", [("listener", "imap"), ("source", "own")]) }
    var sortCacheHits: Int64 { total("facteur_imap_sort_cache_total", [("listener", "imap"), ("result", "hit")]) }
    var sortCacheMisses: Int64 { total("facteur_imap_sort_cache_total", [("listener", "imap"), ("result", "miss")]) }
}
