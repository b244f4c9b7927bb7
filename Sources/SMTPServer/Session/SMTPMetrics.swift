// The swift-metrics instruments of one listener; the executable bootstraps the backend (Prometheus).

import Metrics

/// Counters and timers named in the issue; every one carries `listener` = smtp|lmtp|submission.
struct SMTPMetrics: Sendable {
    let listener: String
    let connections: Counter
    let openConnections: Meter
    let receivedBytes: Counter
    let dataDuration: Metrics.Timer
    /// The bootstrapped backend unless a test hands in its own (MetricsSystem is process-global).
    let factory: any MetricsFactory

    init(listener: SMTPSessionInfo.Kind, factory: (any MetricsFactory)? = nil) {
        self.listener = listener.rawValue
        let factory = factory ?? MetricsSystem.factory
        self.factory = factory
        let dimensions = [("listener", listener.rawValue)]
        connections = Counter(label: "facteur_smtp_connections_total", dimensions: dimensions, factory: factory)
        openConnections = Meter(label: "facteur_smtp_open_connections", dimensions: dimensions, factory: factory)
        receivedBytes = Counter(label: "facteur_smtp_received_bytes_total", dimensions: dimensions, factory: factory)
        dataDuration = Metrics.Timer(label: "facteur_smtp_data_duration_seconds", dimensions: dimensions,
                                     factory: factory)
    }

    func command(_ verb: String) {
        Counter(label: "facteur_smtp_commands_total", dimensions: [("listener", listener), ("command", verb)], factory: factory)
            .increment()
    }

    func replies(_ replies: [SMTPReply]) {
        for reply in replies {
            Counter(label: "facteur_smtp_replies_total", dimensions: [("listener", listener), ("class", reply.replyClass)],
                    factory: factory)
                .increment()
        }
    }

    func message(accepted: Bool) {
        Counter(label: "facteur_smtp_messages_total",
                dimensions: [("listener", listener), ("result", accepted ? "accepted" : "rejected")], factory: factory)
            .increment()
    }
}
