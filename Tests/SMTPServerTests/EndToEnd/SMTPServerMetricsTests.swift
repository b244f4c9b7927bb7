import Logging
import NIOCore
import Testing
@testable import SMTPServer

@Suite(.timeLimit(.minutes(1)))
struct SMTPServerMetricsTests {
    @Test func countsConnectionsCommandsRepliesMessagesAndBytes() async throws {
        let metrics = RecordingMetricsFactory()
        let server = SMTPServer(configuration: .init(kind: .lmtp, port: 0, hostname: "mx.test"),
                                receiver: TestReceiver(fullMailboxes: ["full@mx.test"]),
                                logger: Logger(label: "smtp-test"), metricsFactory: metrics)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.localAddress().port ?? 0
            let client = try await SMTPTestClient.connect(port: port)
            _ = try await client.reply()
            try await client.send("LHLO c\r\nMAIL FROM:<a@c.test>\r\nRCPT TO:<ok@mx.test>\r\nBOGUS\r\nDATA\r\n")
            _ = try await client.readReply()
            for _ in 0..<4 { _ = try await client.reply() }
            try await client.send("abc\r\n.\r\n")
            _ = try await client.reply()
            try await client.send("QUIT\r\n")
            _ = try await client.reply()
            #expect(await client.isClosedByServer())
            server.shutdown()
            try await group.waitForAll()
        }
        let lmtp = ("listener", "lmtp")
        #expect(metrics.value("facteur_smtp_connections_total", [lmtp]) == 1)
        #expect(metrics.value("facteur_smtp_open_connections", [lmtp]) == 0)
        #expect(metrics.value("facteur_smtp_commands_total", [lmtp, ("command", "RCPT")]) == 1)
        #expect(metrics.value("facteur_smtp_commands_total", [lmtp, ("command", "unknown")]) == 1)
        // 220, 250 LHLO, 250 MAIL, 250 RCPT, 250 message, 221 = 6 × 2xx; 354; 500 for BOGUS.
        #expect(metrics.value("facteur_smtp_replies_total", [lmtp, ("class", "2xx")]) == 6)
        #expect(metrics.value("facteur_smtp_replies_total", [lmtp, ("class", "3xx")]) == 1)
        #expect(metrics.value("facteur_smtp_replies_total", [lmtp, ("class", "5xx")]) == 1)
        #expect(metrics.value("facteur_smtp_messages_total", [lmtp, ("result", "accepted")]) == 1)
        #expect(metrics.value("facteur_smtp_received_bytes_total", [lmtp]) == 5)
        #expect(metrics.value("facteur_smtp_data_duration_seconds", [lmtp]) == 1)
    }
}
