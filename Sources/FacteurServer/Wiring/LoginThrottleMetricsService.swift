// Publishes how many addresses the login throttle refuses right now, so an attack shows on a
// dashboard as it happens (the failure counters show only its past).
import Auth
import Metrics
import ServiceLifecycle

struct LoginThrottleMetricsService: Service {
    let throttle: LoginThrottle
    /// A snapshot is one actor call counting the locked entries; every few seconds costs nothing.
    var interval: Duration = .seconds(5)

    func run() async throws {
        let refused = Gauge(label: "facteur_login_refused_addresses")
        let tracked = Gauge(label: "facteur_login_tracked_addresses")
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let snapshot = await throttle.snapshot()
                refused.record(snapshot.lockedAddresses)
                tracked.record(snapshot.trackedAddresses)
                try? await Task.sleep(for: interval)
            }
        }
    }
}
