// The swift-metrics instruments of one POP3 listener; the executable bootstraps the backend.

import Metrics

/// Counters and timers named in the issue; every one carries `listener` = pop3|pop3s.
struct POP3Metrics: Sendable {
    let listener: String
    let connections: Counter
    let retrievedBytes: Counter
    /// RETRs whose content went out by sendfile (no stuffing needed, no TLS): shows whether the
    /// zero-copy path is taken (messages stored before migration v11 are not).
    let sentFiles: Counter
    /// The bootstrapped backend unless a test hands in its own (MetricsSystem is process-global).
    let factory: any MetricsFactory
    /// Counter and timer of each keyword, made once: making them per command (label checks and
    /// a registry lookup in the backend) showed in a POP3 download's profile, one per RETR.
    private let commandInstruments: [String: (count: Counter, duration: Metrics.Timer)]

    init(listener: String, factory: (any MetricsFactory)? = nil) {
        self.listener = listener
        let factory = factory ?? MetricsSystem.factory
        self.factory = factory
        let dimensions = [("listener", listener)]
        connections = Counter(label: "facteur_pop3_connections_total", dimensions: dimensions, factory: factory)
        retrievedBytes = Counter(label: "facteur_pop3_retrieved_bytes_total", dimensions: dimensions, factory: factory)
        sentFiles = Counter(label: "facteur_pop3_sent_files_total", dimensions: dimensions, factory: factory)
        let keywords = ["USER", "PASS", "QUIT", "STAT", "LIST", "RETR", "DELE", "NOOP", "RSET", "TOP", "UIDL",
                        "CAPA", "AUTH", "STLS", "UTF8", "unknown"]
        var instruments: [String: (count: Counter, duration: Metrics.Timer)] = [:]
        for keyword in keywords {
            instruments[keyword] = Self.makeInstruments(keyword, listener: listener, factory: factory)
        }
        commandInstruments = instruments
    }

    func command(_ keyword: String, duration: Duration) {
        let instruments = commandInstruments[keyword] ?? Self.makeInstruments(keyword, listener: listener, factory: factory)
        instruments.count.increment()
        instruments.duration.record(duration: duration)
    }

    private static func makeInstruments(_ keyword: String, listener: String, factory: any MetricsFactory)
        -> (count: Counter, duration: Metrics.Timer) {
        let dimensions = [("listener", listener), ("command", keyword)]
        return (Counter(label: "facteur_pop3_commands_total", dimensions: dimensions, factory: factory),
                Metrics.Timer(label: "facteur_pop3_command_duration_seconds", dimensions: dimensions, factory: factory))
    }

    /// `result`: success, failure (bad credentials), in_use, refused (no TLS),
    /// throttled (LoginThrottle refused the address), error (store).
    func login(_ result: String) {
        Counter(label: "facteur_pop3_logins_total", dimensions: [("listener", listener), ("result", result)],
                factory: factory).increment()
    }
}
