// AUTH with LOGIN and SCRAM-SHA-256 (RFC 5034) on a real server and socket.

import Foundation
import MailStore
import NetworkTestSupport
import POP3Server
import Testing

@Suite(.timeLimit(.minutes(1)))
struct POP3AuthMechanismTests {
    @Test func authLoginAndTheMechanismList() async throws {
        let fixture = try await POP3Fixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer(fixture.configuration()) { _, port in
            let client = try await POP3TestClient.connect(port: port)
            _ = try await client.line()
            let list = try await client.lines("AUTH")
            #expect(list.lines == ["PLAIN", "LOGIN", "SCRAM-SHA-256"])
            #expect(try await client.command("AUTH LOGIN") == "+ " + "Username:".base64)
            #expect(try await client.command(POP3Fixture.address.base64) == "+ " + "Password:".base64)
            #expect(try await client.command("nope".base64).hasPrefix("-ERR [AUTH]"))
            #expect(try await client.command("AUTH LOGIN \(POP3Fixture.address.base64)") == "+ " + "Password:".base64)
            #expect(try await client.command("*") == "-ERR authentication cancelled")
            #expect(try await client.command("AUTH LOGIN \(POP3Fixture.address.base64)") == "+ " + "Password:".base64)
            #expect(try await client.command(POP3Fixture.password.base64).hasPrefix("+OK maildrop has"))
        }
    }

    @Test func authSCRAMWithServerProof() async throws {
        let fixture = try await POP3Fixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer(fixture.configuration()) { _, port in
            let client = try await POP3TestClient.connect(port: port)
            _ = try await client.line()
            let scram = SCRAMTestClient(user: POP3Fixture.address, password: POP3Fixture.password)
            let challenge = try await client.command("AUTH SCRAM-SHA-256 \(scram.clientFirst.base64)")
            let serverFirst = try #require(String(challenge.dropFirst(2)).fromBase64)
            let (final, expected) = try #require(scram.respond(to: serverFirst))
            #expect(try await client.command(final.base64) == "+ " + expected.base64)
            #expect(try await client.command("").hasPrefix("+OK maildrop has"))
            #expect(try await client.command("STAT").hasPrefix("+OK 0 0"))
        }
    }

    @Test func wrongSCRAMPasswordFails() async throws {
        let fixture = try await POP3Fixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer(fixture.configuration()) { _, port in
            let client = try await POP3TestClient.connect(port: port)
            _ = try await client.line()
            let scram = SCRAMTestClient(user: POP3Fixture.address, password: "wrong")
            #expect(try await client.command("AUTH SCRAM-SHA-256") == "+ ")
            let challenge = try await client.command(scram.clientFirst.base64)
            let serverFirst = try #require(String(challenge.dropFirst(2)).fromBase64)
            let (final, _) = try #require(scram.respond(to: serverFirst))
            #expect(try await client.command(final.base64).hasPrefix("-ERR [AUTH]"))
        }
    }
}
