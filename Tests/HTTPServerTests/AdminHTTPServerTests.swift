import Foundation
import HTTPServer
import Hummingbird
import HummingbirdTesting
import Logging
import MailStore
import Prometheus
import Testing

@Suite struct AdminHTTPServerTests {
    @Test func healthAnswersWhileTheStoreAnswersAndMetricsAreExported() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("facteur-http-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteMailStore(directory: directory, logger: Logger(label: "t"))
        let registry = PrometheusCollectorRegistry()
        registry.makeCounter(name: "facteur_test_total").increment(by: Int64(3))
        let app = AdminHTTPServer.makeApplication(host: "127.0.0.1", port: 0, store: store, registry: registry,
                                                  logger: Logger(label: "t"), onBound: { _, _ in })
        try await app.test(.live) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "ok\n")
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                #expect(String(buffer: response.body).contains("facteur_test_total 3"))
            }
            try store.close()
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
            }
            try await client.execute(uri: "/nothing", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}
