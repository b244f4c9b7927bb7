// A swift-metrics backend that only counts: counter increments and timer recordings per label and
// dimensions. The servers take their factory as a parameter, so tests need not touch MetricsSystem
// (IMAP tests read it to see whether a speed path was taken, ManageSieve tests its counters).

import Metrics
import Synchronization

public final class CountingMetricsFactory: MetricsFactory, Sendable {
    public init() {}

    private let totals = Mutex([String: Int64]())

    private final class Sink: CounterHandler, TimerHandler, RecorderHandler, Sendable {
        let name: String
        let factory: CountingMetricsFactory
        init(_ name: String, _ factory: CountingMetricsFactory) {
            self.name = name
            self.factory = factory
        }
        func increment(by amount: Int64) { factory.add(name, amount) }
        func reset() {}
        func recordNanoseconds(_ duration: Int64) { factory.add(name, 1) }
        func record(_ value: Int64) { factory.add(name, 1) }
        func record(_ value: Double) { factory.add(name, 1) }
    }

    /// "label{a=b,c=d}" with the dimensions sorted.
    public static func name(_ label: String, _ dimensions: [(String, String)]) -> String {
        label + "{" + dimensions.map { "\($0.0)=\($0.1)" }.sorted().joined(separator: ",") + "}"
    }

    fileprivate func add(_ name: String, _ amount: Int64) {
        totals.withLock { $0[name, default: 0] += amount }
    }

    public func total(_ label: String, _ dimensions: [(String, String)]) -> Int64 {
        totals.withLock { $0[Self.name(label, dimensions)] ?? 0 }
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        Sink(Self.name(label, dimensions), self)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        Sink(Self.name(label, dimensions), self)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        Sink(Self.name(label, dimensions), self)
    }

    public func destroyCounter(_ handler: any CounterHandler) {}
    public func destroyRecorder(_ handler: any RecorderHandler) {}
    public func destroyTimer(_ handler: any TimerHandler) {}
}
