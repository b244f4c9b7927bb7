// The session runs only while frames wait (IMAPSessionDriver): pipelined frames in order, the
// end of a connection in every state, and output that waits for a slow reader.

import Foundation
import IMAPServer
import MailStore
import NetworkTestSupport
import Testing

@Suite("IMAP session driver", .timeLimit(.minutes(2)))
struct IMAPSessionDriverTests {
    // The framing handler emits the second and third commands on resume, outside any read
    // cycle: each must still reach the session, answered in order.
    @Test("commands pipelined in one packet are answered in order, LOGOUT closes")
    func pipelinedCommands() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            let client = try await IMAPTestClient.connect(port: port)
            _ = try await client.line()
            try await client.send("a1 NOOP\r\na2 LOGIN \(IMAPFixture.alice) \(IMAPFixture.password)\r\na3 SELECT INBOX\r\na4 LOGOUT\r\n")
            #expect(try await client.reply("a1").isOK)
            #expect(try await client.reply("a2").isOK)
            #expect(try await client.reply("a3").isOK)
            let logout = try await client.reply("a4")
            #expect(logout.isOK)
            #expect(logout.lines(starting: "* BYE").count == 1)
            #expect(await client.isClosedByServer())
        }
    }

    // A connection that goes away in IDLE, or selected, must leave the change hub with nothing
    // to wake: later sessions still get their updates and nothing hangs.
    @Test("clients that vanish in IDLE or mid-command leave later sessions working")
    func vanishingClients() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            for round in 0..<5 {
                let idler = try await fixture.client(port: port)
                #expect(try await idler.command("s", "SELECT INBOX").isOK)
                try await idler.send("i IDLE\r\n")
                #expect(try await idler.line().hasPrefix("+"))
                let busy = try await fixture.client(port: port)
                try await busy.send("x SELECT INBOX\r\nn NOOP\r\n")
                await idler.close()
                await busy.close()
                try await fixture.deliver("Subject: round \(round)\r\n\r\nbody\r\n")
            }
            let watcher = try await fixture.client(port: port)
            #expect(try await watcher.command("s", "SELECT INBOX").untagged.contains("* 5 EXISTS"))
            try await watcher.send("i IDLE\r\n")
            #expect(try await watcher.line().hasPrefix("+"))
            try await fixture.deliver("Subject: last\r\n\r\nbody\r\n")
            #expect(try await watcher.line() == "* 6 EXISTS")
            try await watcher.send("DONE\r\n")
            #expect(try await watcher.reply("i").isOK)
        }
    }

    // Back-pressure: 2 MB of FETCH output to a client that reads nothing for a while fills the
    // socket and the channel's buffer; the session waits, then everything arrives intact.
    @Test("a large FETCH to a client that reads late arrives whole")
    func slowReader() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        let line = String(repeating: "y", count: 998) + "\r\n"
        for number in 1...20 {
            try await fixture.deliver("Subject: big \(number)\r\n\r\n" + String(repeating: line, count: 100))
        }
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            #expect(try await client.command("s", "SELECT INBOX").isOK)
            try await client.send("f FETCH 1:* BODY[]\r\nf2 FETCH 1:* BODY[]\r\nn NOOP\r\n")
            try await Task.sleep(for: .milliseconds(500))
            let first = try await client.reply("f")
            let second = try await client.reply("f2")
            #expect(first.isOK && second.isOK)
            #expect(first.untagged.count == 20 && second.untagged.count == 20)
            #expect(first.untagged.allSatisfy { $0.utf8.count > 100_000 })
            #expect(try await client.reply("n").isOK)
        }
    }
}
