// Counts connections refused by `[limits]`, so a connection flood shows in /metrics next to the
// login failures: `facteur_connections_refused_total{listener, reason}`.
import Metrics
import ProtocolListener

/// The `ConnectionLimits.onRefused` hook FacteurServer installs; a value so every listener shares it.
struct ConnectionRefusalMetrics: Sendable {
    static let label = "facteur_connections_refused_total"

    /// The bootstrapped backend unless a test hands in its own (MetricsSystem is process-global).
    var factory: (any MetricsFactory)? = nil

    /// `reason` is "total" (over `max_connections`) or "per_address" (over
    /// `max_connections_per_address`).
    static func reason(_ admission: ConnectionCounter.Admission) -> String? {
        switch admission {
        case .admitted: nil
        case .tooManyConnections: "total"
        case .tooManyFromAddress: "per_address"
        }
    }

    func record(listener: String, admission: ConnectionCounter.Admission) {
        guard let reason = Self.reason(admission) else { return }
        Counter(label: Self.label, dimensions: [("listener", listener), ("reason", reason)],
                factory: factory ?? MetricsSystem.factory).increment()
    }

    /// For `ConnectionLimits(onRefused:)`.
    var hook: @Sendable (String, ConnectionCounter.Admission) -> Void {
        let metrics = self
        return { listener, admission in metrics.record(listener: listener, admission: admission) }
    }
}
