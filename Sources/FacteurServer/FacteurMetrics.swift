// swift-metrics bootstrapped once per process with a Prometheus registry that /metrics exports.
import Metrics
import Prometheus

public struct FacteurMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    /// Only the executable calls this (MetricsSystem can be bootstrapped once per process).
    public static func bootstrap() -> FacteurMetrics {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Mail is accepted in milliseconds: the default buckets start at 5 ms, too coarse for a p99.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
        ]
        MetricsSystem.bootstrap(factory)
        return FacteurMetrics(registry: registry)
    }

    /// A registry that is not wired to swift-metrics (tests, or a second server in one process).
    public static func unbootstrapped() -> FacteurMetrics {
        FacteurMetrics(registry: PrometheusCollectorRegistry())
    }
}
