// Connections, commands (counted and timed) and login outcomes reach the metrics backend.

import Logging
import NetworkTestSupport
import Testing
@testable import ManageSieveServer

@Suite(.timeLimit(.minutes(2)))
struct ManageSieveMetricsTests {
    @Test func commandsAndLoginsAreCounted() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        let metrics = CountingMetricsFactory()
        var logger = Logger(label: "test.managesieve.metrics")
        logger.logLevel = .critical
        let server = ManageSieveServer(configuration: fixture.configuration(), store: fixture.store,
                                       authenticator: fixture.authenticator, logger: logger, metricsFactory: metrics)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.localAddress().port ?? 0
            let client = try await ManageSieveTestClient.connect(port: port)
            _ = try await client.response()
            let wrong = ManageSieveFixture.plain(ManageSieveFixture.address, "wrong")
            _ = try await client.command("AUTHENTICATE \"PLAIN\" \"\(wrong)\"")
            _ = try await client.command("AUTHENTICATE \"PLAIN\" \"\(ManageSieveFixture.plain())\"")
            _ = try await client.command("PUTSCRIPT \"a\" \"keep;\"")
            _ = try await client.command("LISTSCRIPTS")
            _ = try await client.command("LOGOUT")
            server.shutdown()
            try await group.waitForAll()
        }
        let listener = ("listener", "managesieve")
        #expect(metrics.total("facteur_managesieve_connections_total", [listener]) == 1)
        #expect(metrics.total("facteur_managesieve_logins_total", [listener, ("result", "failure")]) == 1)
        #expect(metrics.total("facteur_managesieve_logins_total", [listener, ("result", "success")]) == 1)
        #expect(metrics.total("facteur_managesieve_commands_total", [listener, ("command", "AUTHENTICATE")]) == 2)
        #expect(metrics.total("facteur_managesieve_commands_total", [listener, ("command", "PUTSCRIPT")]) == 1)
        #expect(metrics.total("facteur_managesieve_command_duration_seconds", [listener, ("command", "LISTSCRIPTS")]) == 1)
    }
}
