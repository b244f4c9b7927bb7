// The HTTP listener: /health for load balancers and monitors, /metrics in the Prometheus text
// exposition format. The admin API and dashboard will join these routes.
import Hummingbird
import Logging
import MailStore
import NIOCore
import Prometheus

public enum AdminHTTPServer {
    /// Builds the Hummingbird application; it is a ServiceLifecycle `Service`, so the composition
    /// root runs it in its service group. `onBound` receives the real port (port 0 binds any free one).
    public static func makeApplication(
        host: String, port: Int, store: any MailStore, registry: PrometheusCollectorRegistry,
        logger: Logger, onBound: @escaping @Sendable (String, Int) -> Void
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("/health") { _, _ -> Response in
            do {
                try await store.checkHealth()
                return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: ResponseBody(byteBuffer: ByteBuffer(string: "ok\n")))
            } catch {
                logger.error("health check failed", metadata: ["error": "\(error)"])
                return Response(status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: ResponseBody(byteBuffer: ByteBuffer(string: "store unavailable\n")))
            }
        }
        router.get("/metrics") { _, _ -> Response in
            var buffer = ByteBuffer()
            buffer.writeBytes(registry.emitToBuffer())
            // The Prometheus text exposition format, version 0.0.4.
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: ResponseBody(byteBuffer: buffer))
        }
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "Facteur"),
            onServerRunning: { channel in
                let bound = channel.localAddress
                onBound(bound?.ipAddress ?? host, bound?.port ?? port)
            },
            logger: logger)
    }
}
