// Per-command counters and timers: counted per command and result, the same series for every
// session of a listener (IMAPMetrics makes each instrument once and shares it, issue 8).

import NetworkTestSupport
import Testing
@testable import IMAPServer

@Suite(.timeLimit(.minutes(1)))
struct IMAPCommandMetricsTests {
    private static let imap = ("listener", "imap")

    private static func commands(_ command: String, _ result: String, _ metrics: CountingMetricsFactory) -> Int64 {
        metrics.total("facteur_imap_commands_total", [imap, ("command", command), ("result", result)])
    }

    private static func timings(_ command: String, _ metrics: CountingMetricsFactory) -> Int64 {
        metrics.total("facteur_imap_command_duration_seconds", [imap, ("command", command)])
    }

    @Test("commands are counted per command and result, across sessions, and timed")
    func countsPerCommandAndResult() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        let metrics = CountingMetricsFactory()
        try await fixture.withServer(metrics: metrics) { _, port in
            let first = try await fixture.client(port: port)
            let second = try await fixture.client(port: port)
            _ = try await first.command("a", "NOOP")
            _ = try await second.command("b", "NOOP")
            _ = try await first.command("c", "NOOP")
            _ = try await first.command("d", "SELECT INBOX")
            _ = try await second.command("e", "SELECT \"No such box\"")
            _ = try await second.command("f", "FETCH 1 FLAGS")     // BAD: nothing selected
            #expect(Self.commands("NOOP", "ok", metrics) == 3)
            #expect(Self.commands("SELECT", "ok", metrics) == 1)
            #expect(Self.commands("SELECT", "no", metrics) == 1)
            #expect(Self.commands("FETCH", "bad", metrics) == 1)
            #expect(Self.commands("FETCH", "ok", metrics) == 0)
            #expect(Self.timings("NOOP", metrics) == 3)
            #expect(Self.timings("SELECT", metrics) == 2)
        }
    }

    @Test("the result dimension is the lower-case status", arguments: [
        (IMAPStatusResponse.Kind.ok, "ok"), (.no, "no"), (.bad, "bad"),
    ])
    func resultNames(kind: IMAPStatusResponse.Kind, expected: String) {
        #expect(IMAPSession.metricResult(kind) == expected)
        #expect(IMAPSession.metricResult(kind) == kind.rawValue.lowercased())
    }
}
