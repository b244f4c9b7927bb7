// A MetricsFactory that records values in memory, handed to one SMTPServer (no global bootstrap,
// which would clash with other test targets in the same process).

import CoreMetrics
import Synchronization

final class RecordingMetricsFactory: MetricsFactory {
    private let values = Mutex<[String: Double]>([:])

    static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        label + "{" + dimensions.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: ",") + "}"
    }

    /// The current value of a counter or meter, or the number of timer recordings.
    func value(_ label: String, _ dimensions: [(String, String)]) -> Double {
        values.withLock { $0[Self.key(label, dimensions)] ?? 0 }
    }

    fileprivate func add(_ key: String, _ amount: Double) {
        values.withLock { $0[key, default: 0] += amount }
    }

    fileprivate func set(_ key: String, _ amount: Double) {
        values.withLock { $0[key] = amount }
    }

    final class Handler: CounterHandler, FloatingPointCounterHandler, MeterHandler, RecorderHandler, TimerHandler {
        let factory: RecordingMetricsFactory
        let key: String
        init(factory: RecordingMetricsFactory, key: String) {
            self.factory = factory
            self.key = key
        }
        func increment(by amount: Int64) { factory.add(key, Double(amount)) }
        func increment(by amount: Double) { factory.add(key, amount) }
        func decrement(by amount: Double) { factory.add(key, -amount) }
        func set(_ value: Int64) { factory.set(key, Double(value)) }
        func set(_ value: Double) { factory.set(key, value) }
        func record(_ value: Int64) { factory.add(key, 1) }
        func record(_ value: Double) { factory.add(key, 1) }
        func recordNanoseconds(_ duration: Int64) { factory.add(key, 1) }
        func reset() { factory.set(key, 0) }
    }

    private func handler(_ label: String, _ dimensions: [(String, String)]) -> Handler {
        Handler(factory: self, key: Self.key(label, dimensions))
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { handler(label, dimensions) }
    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        handler(label, dimensions)
    }
    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler { handler(label, dimensions) }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        handler(label, dimensions)
    }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { handler(label, dimensions) }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    func destroyMeter(_ handler: any MeterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}
