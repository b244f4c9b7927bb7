// The swift-metrics instruments of the ManageSieve listener; the executable bootstraps the backend.

import Metrics

/// Counters and timers; every one carries `listener` = managesieve.
struct ManageSieveMetrics: Sendable {
    let listener: String
    let connections: Counter
    /// The bootstrapped backend unless a test hands in its own (MetricsSystem is process-global).
    let factory: any MetricsFactory

    init(listener: String, factory: (any MetricsFactory)? = nil) {
        self.listener = listener
        let factory = factory ?? MetricsSystem.factory
        self.factory = factory
        connections = Counter(label: "facteur_managesieve_connections_total", dimensions: [("listener", listener)],
                              factory: factory)
    }

    func command(_ keyword: String, duration: Duration) {
        let dimensions = [("listener", listener), ("command", keyword)]
        Counter(label: "facteur_managesieve_commands_total", dimensions: dimensions, factory: factory).increment()
        Metrics.Timer(label: "facteur_managesieve_command_duration_seconds", dimensions: dimensions, factory: factory)
            .record(duration: duration)
    }

    /// `result`: success, failure (bad credentials), refused (no TLS), throttled, error.
    func login(_ result: String) {
        Counter(label: "facteur_managesieve_logins_total", dimensions: [("listener", listener), ("result", result)],
                factory: factory).increment()
    }
}
