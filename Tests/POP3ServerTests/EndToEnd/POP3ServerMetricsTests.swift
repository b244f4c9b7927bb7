import Logging
import NetworkTestSupport
import Testing
@testable import POP3Server

@Suite(.timeLimit(.minutes(1)))
struct POP3ServerMetricsTests {
    @Test func countsConnectionsCommandsLoginsAndRetrievedBytes() async throws {
        let fixture = try await POP3Fixture.make()
        defer { fixture.tearDown() }
        let message = "Subject: m\r\n\r\nbody\r\n"
        try await fixture.append(message)
        let metrics = CountingMetricsFactory()
        let server = POP3Server(configuration: fixture.configuration(), store: fixture.store,
                                authenticator: fixture.authenticator, logger: Logger(label: "pop3-test"),
                                metricsFactory: metrics)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.localAddress().port ?? 0
            let client = try await POP3TestClient.connect(port: port)
            _ = try await client.line()
            _ = try await client.command("USER \(POP3Fixture.address)")
            #expect(try await client.command("PASS wrong").hasPrefix("-ERR [AUTH]"))
            _ = try await client.command("USER \(POP3Fixture.address)")
            _ = try await client.command("PASS \(POP3Fixture.password)")
            _ = try await client.multiline("RETR 1")
            _ = try await client.command("BOGUS")
            _ = try await client.command("QUIT")
            #expect(await client.isClosedByServer())
            server.shutdown()
            try await group.waitForAll()
        }
        let pop3 = ("listener", "pop3")
        #expect(metrics.total("facteur_pop3_connections_total", [pop3]) == 1)
        #expect(metrics.total("facteur_pop3_commands_total", [pop3, ("command", "USER")]) == 2)
        #expect(metrics.total("facteur_pop3_commands_total", [pop3, ("command", "RETR")]) == 1)
        #expect(metrics.total("facteur_pop3_commands_total", [pop3, ("command", "unknown")]) == 1)
        #expect(metrics.total("facteur_pop3_command_duration_seconds", [pop3, ("command", "PASS")]) == 2)
        #expect(metrics.total("facteur_pop3_logins_total", [pop3, ("result", "failure")]) == 1)
        #expect(metrics.total("facteur_pop3_logins_total", [pop3, ("result", "success")]) == 1)
        #expect(metrics.total("facteur_pop3_retrieved_bytes_total", [pop3]) == Int64(message.utf8.count))
    }

    @Test func retrievalsAnsweredFromReadAheadAreCountedToo() async throws {
        let fixture = try await POP3Fixture.make()
        defer { fixture.tearDown() }
        let messages = (1...4).map { "Subject: m\($0)\r\n\r\nbody \($0)\r\n" }
        for message in messages { try await fixture.append(message) }
        let metrics = CountingMetricsFactory()
        let server = POP3Server(configuration: fixture.configuration(), store: fixture.store,
                                authenticator: fixture.authenticator, logger: Logger(label: "pop3-test"),
                                metricsFactory: metrics)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.localAddress().port ?? 0
            let client = try await POP3TestClient.connect(port: port)
            _ = try await client.line()
            _ = try await client.command("USER \(POP3Fixture.address)")
            _ = try await client.command("PASS \(POP3Fixture.password)")
            // RETR 1 reads 2-4 ahead; the framing handler answers those itself.
            for number in 1...4 { _ = try await client.multiline("RETR \(number)") }
            _ = try await client.command("QUIT")
            #expect(await client.isClosedByServer())
            server.shutdown()
            try await group.waitForAll()
        }
        let pop3 = ("listener", "pop3")
        #expect(metrics.total("facteur_pop3_commands_total", [pop3, ("command", "RETR")]) == 4)
        #expect(metrics.total("facteur_pop3_command_duration_seconds", [pop3, ("command", "RETR")]) == 4)
        #expect(metrics.total("facteur_pop3_retrieved_bytes_total", [pop3])
                == Int64(messages.reduce(0) { $0 + $1.utf8.count }))
    }
}
