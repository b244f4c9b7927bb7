// Connections refused by `[limits]` appear in the Prometheus text /metrics serves, per listener
// and per limit.

import Prometheus
import ProtocolListener
import Testing
@testable import FacteurServer

@Suite struct ConnectionRefusalMetricsTests {
    @Test(arguments: [
        (ConnectionCounter.Admission.tooManyConnections, "total"),
        (.tooManyFromAddress, "per_address"),
    ])
    func refusalsAreCountedPerListenerAndReason(admission: ConnectionCounter.Admission, reason: String) {
        let registry = PrometheusCollectorRegistry()
        let hook = ConnectionRefusalMetrics(factory: PrometheusMetricsFactory(registry: registry)).hook
        hook("imap", admission)
        hook("imap", admission)
        hook("smtp", admission)
        let text = registry.emitToString()
        #expect(text.contains("facteur_connections_refused_total{listener=\"imap\",reason=\"\(reason)\"} 2"))
        #expect(text.contains("facteur_connections_refused_total{listener=\"smtp\",reason=\"\(reason)\"} 1"))
    }

    @Test func anAdmittedConnectionIsNotARefusal() {
        let registry = PrometheusCollectorRegistry()
        ConnectionRefusalMetrics(factory: PrometheusMetricsFactory(registry: registry)).hook("pop3", .admitted)
        #expect(!registry.emitToString().contains("facteur_connections_refused_total"))
    }
}
