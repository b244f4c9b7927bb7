// The swift-metrics instruments of one listener; the executable bootstraps the backend (Prometheus).

import Metrics
import Synchronization

/// Counters and timers named in the issue; every one carries `listener` = smtp|lmtp|submission.
struct SMTPMetrics: Sendable {
    let listener: String
    let connections: Counter
    let openConnections: Meter
    let receivedBytes: Counter
    let dataDuration: Metrics.Timer
    /// The bootstrapped backend unless a test hands in its own (MetricsSystem is process-global).
    let factory: any MetricsFactory
    /// The per-command, per-reply-class and per-result counters, each made once (issue 8: making
    /// a Counter goes through the factory's registry, a lock and a key string, about 9 per message).
    /// Their dimension values are fixed sets (verbs, "2xx"…"5xx", accepted/rejected): bounded.
    private let made = MadeCounters()

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
        counter("command " + verb) {
            Counter(label: "facteur_smtp_commands_total", dimensions: [("listener", listener), ("command", verb)],
                    factory: factory)
        }.increment()
    }

    func replies(_ replies: [SMTPReply]) {
        for reply in replies {
            let replyClass = reply.replyClass
            counter("reply " + replyClass) {
                Counter(label: "facteur_smtp_replies_total", dimensions: [("listener", listener), ("class", replyClass)],
                        factory: factory)
            }.increment()
        }
    }

    func message(accepted: Bool) {
        let result = accepted ? "accepted" : "rejected"
        counter("message " + result) {
            Counter(label: "facteur_smtp_messages_total", dimensions: [("listener", listener), ("result", result)],
                    factory: factory)
        }.increment()
    }

    /// The counter made for `key`, making it on first use.
    private func counter(_ key: String, make: () -> Counter) -> Counter {
        made.table.withLock { made in
            if let counter = made[key] { return counter }
            let counter = make()
            made[key] = counter
            return counter
        }
    }
}

/// The counters an `SMTPMetrics` made, shared by its copies (every connection holds one).
private final class MadeCounters: Sendable {
    let table = Mutex([String: Counter]())
}
