// STLS (RFC 2595 §4) and pop3s (RFC 8314) against the real server, with a throw-away certificate.

import NetworkTestSupport
import NIOSSL
import Testing
@testable import POP3Server

@Suite(.timeLimit(.minutes(2)))
struct POP3TLSEndToEndTests {
    static let message = "Subject: secret\r\n\r\n.dotted\r\nbody\r\n"

    @Test func stlsThenLoginWhenPlaintextIsRefused() async throws {
        let fixture = try await POP3Fixture.make()
        defer { fixture.tearDown() }
        try await fixture.append(Self.message)
        let tls = try TestCertificate.makeServerContext()
        let configuration = fixture.configuration(tls: tls, allowPlaintextAuth: { _, tls in tls })
        try await fixture.withServer(configuration) { _, port in
            let client = try await POP3TestClient.connect(port: port)
            _ = try await client.line()
            let before = try await client.lines("CAPA")
            #expect(before.lines.contains("STLS"))
            #expect(!before.lines.contains("SASL PLAIN LOGIN SCRAM-SHA-256"))
            let refused = "-ERR [AUTH] credentials are only accepted over TLS; use STLS or the pop3s port first"
            #expect(try await client.command("USER \(POP3Fixture.address)") == refused)
            #expect(try await client.command("PASS \(POP3Fixture.password)") == refused)
            #expect(try await client.command("AUTH PLAIN AGEAYg==") == refused)
            // Pipelined after STLS in plaintext: must be discarded, never answered (CVE-2011-0411).
            try await client.send("STLS\r\nCAPA\r\n")
            #expect(try await client.line() == "+OK Begin TLS negotiation")
            try await client.startTLS()
            #expect(try await client.command("NOOP") == "-ERR not logged in; use USER/PASS or AUTH")
            let after = try await client.lines("CAPA")
            #expect(!after.lines.contains("STLS"))
            #expect(after.lines.contains("SASL PLAIN LOGIN SCRAM-SHA-256"))
            #expect(try await client.command("STLS") == "-ERR TLS already active")
            _ = try await client.command("USER \(POP3Fixture.address)")
            #expect(try await client.command("PASS \(POP3Fixture.password)").hasPrefix("+OK maildrop has 1 messages"))
            let retr = try await client.multiline("RETR 1")
            #expect(retr.body == Array(Self.message.utf8))
            #expect(try await client.command("QUIT").hasPrefix("+OK"))
        }
    }

    @Test func defaultPolicyAllowsPlaintextOnLoopbackOnly() {
        let policy = POP3Server.Configuration.tlsOrLoopback
        #expect(policy("127.0.0.1", false))
        #expect(policy("::1", false))
        #expect(policy("::ffff:127.0.0.1", false))
        #expect(!policy("192.0.2.7", false))
        #expect(!policy("2001:db8::1", false))
        #expect(policy("192.0.2.7", true))
    }

    @Test func implicitTLSListener() async throws {
        let fixture = try await POP3Fixture.make()
        defer { fixture.tearDown() }
        try await fixture.append(Self.message)
        let tls = try TestCertificate.makeServerContext()
        let configuration = fixture.configuration(tls: tls, implicitTLS: true, allowPlaintextAuth: { _, tls in tls })
        #expect(configuration.listenerName == "pop3s")
        try await fixture.withServer(configuration) { _, port in
            let client = try await POP3TestClient.connect(port: port, implicitTLS: true)
            #expect(try await client.line() == "+OK pop.test POP3 Facteur ready")
            let capa = try await client.lines("CAPA")
            #expect(!capa.lines.contains("STLS"))
            #expect(capa.lines.contains("SASL PLAIN LOGIN SCRAM-SHA-256"))
            #expect(try await client.command("STLS") == "-ERR TLS already active")
            let plain = Array("\0\(POP3Fixture.address)\0\(POP3Fixture.password)".utf8).base64
            #expect(try await client.command("AUTH PLAIN \(plain)").hasPrefix("+OK maildrop has 1 messages"))
            #expect(try await client.multiline("RETR 1").body == Array(Self.message.utf8))
            #expect(try await client.command("QUIT").hasPrefix("+OK"))
        }
    }
}
