// The swift-metrics instruments of one POP3 listener; the executable bootstraps the backend.

import Metrics

/// Counters and timers named in the issue; every one carries `listener` = pop3|pop3s.
struct POP3Metrics: Sendable {
    let listener: String
    let connections: Counter
    let retrievedBytes: Counter
    /// The bootstrapped backend unless a test hands in its own (MetricsSystem is process-global).
    let factory: any MetricsFactory

    init(listener: String, factory: (any MetricsFactory)? = nil) {
        self.listener = listener
        let factory = factory ?? MetricsSystem.factory
        self.factory = factory
        let dimensions = [("listener", listener)]
        connections = Counter(label: "facteur_pop3_connections_total", dimensions: dimensions, factory: factory)
        retrievedBytes = Counter(label: "facteur_pop3_retrieved_bytes_total", dimensions: dimensions, factory: factory)
    }

    func command(_ keyword: String, duration: Duration) {
        let dimensions = [("listener", listener), ("command", keyword)]
        Counter(label: "facteur_pop3_commands_total", dimensions: dimensions, factory: factory).increment()
        Metrics.Timer(label: "facteur_pop3_command_duration_seconds", dimensions: dimensions, factory: factory)
            .record(duration: duration)
    }

    /// `result`: success, failure (bad credentials), in_use, refused (no TLS),
    /// throttled (LoginThrottle refused the address), error (store).
    func login(_ result: String) {
        Counter(label: "facteur_pop3_logins_total", dimensions: [("listener", listener), ("result", result)],
                factory: factory).increment()
    }
}
