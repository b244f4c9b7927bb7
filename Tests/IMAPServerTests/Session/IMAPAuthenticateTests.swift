// AUTHENTICATE with each mechanism of the shared SASL layer, on a real server and socket.

import Foundation
import IMAPServer
import MailStore
import NetworkTestSupport
import Testing

@Suite("IMAP AUTHENTICATE", .timeLimit(.minutes(1)))
struct IMAPAuthenticateTests {
    @Test("CAPABILITY lists PLAIN, LOGIN and SCRAM-SHA-256, and no -PLUS")
    func capabilities() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            let client = try await IMAPTestClient.connect(port: port)
            let greeting = try await client.line()
            #expect(greeting.contains("AUTH=PLAIN AUTH=LOGIN AUTH=SCRAM-SHA-256 "))
            #expect(!greeting.contains("-PLUS"))
        }
    }

    @Test("AUTHENTICATE LOGIN asks for user name and password; a wrong one gets NO")
    func login() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            let client = try await IMAPTestClient.connect(port: port)
            _ = try await client.line()
            try await client.send("a AUTHENTICATE LOGIN\r\n")
            #expect(try await client.line() == "+ " + "Username:".base64)
            try await client.send(IMAPFixture.alice.base64 + "\r\n")
            #expect(try await client.line() == "+ " + "Password:".base64)
            try await client.send("wrong".base64 + "\r\n")
            #expect(try await client.reply("a").tagged.hasPrefix("a NO [AUTHENTICATIONFAILED]"))

            // SASL-IR: the user name as initial response.
            try await client.send("b AUTHENTICATE LOGIN \(IMAPFixture.alice.base64)\r\n")
            #expect(try await client.line() == "+ " + "Password:".base64)
            try await client.send(IMAPFixture.password.base64 + "\r\n")
            let reply = try await client.reply("b")
            #expect(reply.tagged.hasPrefix("b OK [CAPABILITY"))
        }
    }

    @Test("AUTHENTICATE SCRAM-SHA-256 after the keys were made at a PLAIN login; the server proves itself")
    func scram() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            // The fixture's accounts have only a hash (as migrated ones): a password login makes the keys.
            let first = try await IMAPTestClient.connect(port: port)
            try await first.logIn(IMAPFixture.alice, IMAPFixture.password)
            #expect(try await fixture.store.scramCredentials(accountID: fixture.alice.id) != nil)

            let client = try await IMAPTestClient.connect(port: port)
            _ = try await client.line()
            let scram = SCRAMTestClient(user: IMAPFixture.alice, password: IMAPFixture.password)
            try await client.send("s AUTHENTICATE SCRAM-SHA-256 \(scram.clientFirst.base64)\r\n")
            let challenge = try await client.line()
            #expect(challenge.hasPrefix("+ "))
            let serverFirst = try #require(String(challenge.dropFirst(2)).fromBase64)
            let (final, expected) = try #require(scram.respond(to: serverFirst))
            try await client.send(final.base64 + "\r\n")
            #expect(try await client.line() == "+ " + expected.base64)
            try await client.send("\r\n")
            #expect(try await client.reply("s").tagged.hasPrefix("s OK"))
            #expect(try await client.command("t", "SELECT INBOX").isOK)
        }
    }

    /// DESIGN.md rule 4, the same in IMAP, POP3 and ManageSieve: where the policy wants TLS, every
    /// mechanism waits for it, SCRAM included.
    @Test("AUTHENTICATE SCRAM-SHA-256 without TLS gets NO [PRIVACYREQUIRED] where the policy wants TLS")
    func scramWaitsForTLS() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        let configuration = fixture.configuration(tls: try TestCertificate.makeServerContext(),
                                                  allowPlaintextAuth: { _, tls in tls })
        try await fixture.withServer(configuration) { _, port in
            let client = try await IMAPTestClient.connect(port: port)
            let greeting = try await client.line()
            #expect(!greeting.contains("AUTH="))
            let scram = SCRAMTestClient(user: IMAPFixture.alice, password: IMAPFixture.password)
            let refused = try await client.command("a", "AUTHENTICATE SCRAM-SHA-256 \(scram.clientFirst.base64)")
            #expect(refused.tagged.hasPrefix("a NO [PRIVACYREQUIRED]"), "\(refused.tagged)")
            #expect(try await client.command("b", "STARTTLS").isOK)
            try await client.startTLS()
            let capability = try await client.command("c", "CAPABILITY")
            #expect(capability.untagged.first?.contains("AUTH=SCRAM-SHA-256") == true)
        }
    }

    @Test("a wrong SCRAM password gets NO; \"*\" cancels with BAD; unknown mechanisms get NO")
    func scramFailureAndCancel() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            let first = try await IMAPTestClient.connect(port: port)
            try await first.logIn(IMAPFixture.bob, IMAPFixture.password)

            let client = try await IMAPTestClient.connect(port: port)
            _ = try await client.line()
            let scram = SCRAMTestClient(user: IMAPFixture.bob, password: "not it")
            try await client.send("a AUTHENTICATE SCRAM-SHA-256\r\n")
            #expect(try await client.line() == "+ ")
            try await client.send(scram.clientFirst.base64 + "\r\n")
            let serverFirst = try #require(String(try await client.line().dropFirst(2)).fromBase64)
            let (final, _) = try #require(scram.respond(to: serverFirst))
            try await client.send(final.base64 + "\r\n")
            #expect(try await client.reply("a").tagged.hasPrefix("a NO [AUTHENTICATIONFAILED]"))

            try await client.send("b AUTHENTICATE SCRAM-SHA-256\r\n")
            _ = try await client.line()
            try await client.send("*\r\n")
            #expect(try await client.reply("b").status == "BAD")

            #expect(try await client.command("c", "AUTHENTICATE SCRAM-SHA-256-PLUS").tagged.hasPrefix("c NO [CANNOT]"))
            let malformed = try await client.command("d", "AUTHENTICATE SCRAM-SHA-256 \("p=tls-exporter,,n=bob,r=x".base64)")
            #expect(malformed.status == "BAD")
        }
    }
}
