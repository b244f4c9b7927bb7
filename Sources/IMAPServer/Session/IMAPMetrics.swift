// The swift-metrics instruments of one IMAP listener; the executable bootstraps the backend.

import Metrics

/// Every instrument carries `listener` = imap|imaps.
struct IMAPMetrics: Sendable {
    let listener: String
    let connections: Counter
    let fetchedBytes: Counter
    /// The bootstrapped backend unless a test hands in its own (MetricsSystem is process-global).
    let factory: any MetricsFactory

    init(listener: String, factory: (any MetricsFactory)? = nil) {
        self.listener = listener
        let factory = factory ?? MetricsSystem.factory
        self.factory = factory
        let dimensions = [("listener", listener)]
        connections = Counter(label: "facteur_imap_connections_total", dimensions: dimensions, factory: factory)
        fetchedBytes = Counter(label: "facteur_imap_fetched_bytes_total", dimensions: dimensions, factory: factory)
    }

    /// `command` is the upper-case command name ("UID FETCH" for UID forms).
    func command(_ command: String, result: String, duration: Duration) {
        let dimensions = [("listener", listener), ("command", command)]
        Counter(label: "facteur_imap_commands_total", dimensions: dimensions + [("result", result)],
                factory: factory).increment()
        Metrics.Timer(label: "facteur_imap_command_duration_seconds", dimensions: dimensions, factory: factory)
            .record(duration: duration)
    }

    /// `result`: success, failure (bad credentials), refused (no TLS), throttled, error (store).
    func login(_ result: String) {
        Counter(label: "facteur_imap_logins_total", dimensions: [("listener", listener), ("result", result)],
                factory: factory).increment()
    }
}
