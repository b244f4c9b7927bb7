// The swift-metrics instruments of one IMAP listener; the executable bootstraps the backend.

import Metrics
import Synchronization

/// Every instrument carries `listener` = imap|imaps.
struct IMAPMetrics: Sendable {
    let listener: String
    let connections: Counter
    let fetchedBytes: Counter
    /// Catching up with announced changes: read from the store, or known without reading because
    /// they were all the session's own writes (OwnChangeLedger, issue 8). Under one client per
    /// mailbox, reads that climb with the writes mean the skip stopped working.
    let catchUpsFromStore: Counter
    let catchUpsFromOwnChanges: Counter
    /// SORT ... ALL answered from the session's IMAPSortCache, or sorted from the store.
    let sortCacheHits: Counter
    let sortCacheMisses: Counter
    /// The bootstrapped backend unless a test hands in its own (MetricsSystem is process-global).
    let factory: any MetricsFactory
    /// The per-command counters and timers, each made once and shared by every session of the
    /// listener (issue 8: making one goes through the factory's registry, a lock and a key string,
    /// twice per command). Bounded: command names are the fixed set of `IMAPSession.metricName`,
    /// results ok/no/bad.
    private let made = MadeCommandInstruments()

    init(listener: String, factory: (any MetricsFactory)? = nil) {
        self.listener = listener
        let factory = factory ?? MetricsSystem.factory
        self.factory = factory
        let dimensions = [("listener", listener)]
        connections = Counter(label: "facteur_imap_connections_total", dimensions: dimensions, factory: factory)
        fetchedBytes = Counter(label: "facteur_imap_fetched_bytes_total", dimensions: dimensions, factory: factory)
        catchUpsFromStore = Counter(label: "facteur_imap_catch_ups_total", dimensions: dimensions + [("source", "store")],
                                    factory: factory)
        catchUpsFromOwnChanges = Counter(label: "facteur_imap_catch_ups_total",
                                         dimensions: dimensions + [("source", "own")], factory: factory)
        sortCacheHits = Counter(label: "facteur_imap_sort_cache_total", dimensions: dimensions + [("result", "hit")],
                                factory: factory)
        sortCacheMisses = Counter(label: "facteur_imap_sort_cache_total", dimensions: dimensions + [("result", "miss")],
                                  factory: factory)
    }

    /// `command` is the upper-case command name ("UID FETCH" for UID forms).
    func command(_ command: String, result: String, duration: Duration) {
        let (counter, timer) = made.table.withLock { made in
            let key = CommandResult(command: command, result: result)
            let counter: Counter
            if let known = made.counters[key] {
                counter = known
            } else {
                counter = Counter(label: "facteur_imap_commands_total",
                                  dimensions: [("listener", listener), ("command", command), ("result", result)],
                                  factory: factory)
                made.counters[key] = counter
            }
            let timer: Metrics.Timer
            if let known = made.timers[command] {
                timer = known
            } else {
                timer = Metrics.Timer(label: "facteur_imap_command_duration_seconds",
                                      dimensions: [("listener", listener), ("command", command)], factory: factory)
                made.timers[command] = timer
            }
            return (counter, timer)
        }
        counter.increment()
        timer.record(duration: duration)
    }

    /// `result`: success, failure (bad credentials), refused (no TLS), throttled, error (store).
    func login(_ result: String) {
        Counter(label: "facteur_imap_logins_total", dimensions: [("listener", listener), ("result", result)],
                factory: factory).increment()
    }
}

/// One `facteur_imap_commands_total` series: the command's name and how it completed.
private struct CommandResult: Hashable {
    let command: String
    let result: String
}

/// The command instruments an `IMAPMetrics` made, shared by its copies (every session holds one).
private final class MadeCommandInstruments: Sendable {
    struct Table {
        var counters: [CommandResult: Counter] = [:]
        var timers: [String: Metrics.Timer] = [:]
    }
    let table = Mutex(Table())
}
