// STARTTLS (RFC 5804 §2.2) and the credentials-over-TLS policy, with a throw-away certificate.

import NetworkTestSupport
import Testing
@testable import ManageSieveServer

@Suite(.timeLimit(.minutes(2)))
struct ManageSieveTLSTests {
    @Test func startTLSThenAuthenticateWhenPlaintextIsRefused() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        let tls = try TestCertificate.makeServerContext()
        try await fixture.withServer(fixture.configuration(tls: tls, allowPlaintextAuth: { _, tls in tls })) { _, port in
            let client = try await ManageSieveTestClient.connect(port: port)
            let before = try await client.response()
            #expect(before.lines.contains("\"STARTTLS\""))
            // Every mechanism waits for TLS (DESIGN.md rule 4); RFC 5804 §1.7 allows the empty
            // list because STARTTLS is advertised.
            #expect(before.lines.contains("\"SASL\" \"\""))
            let refused = try await client.command("AUTHENTICATE \"PLAIN\" \"\(ManageSieveFixture.plain())\"")
            #expect(refused.final == "NO (ENCRYPT-NEEDED) \"credentials are only accepted over TLS; use STARTTLS first\"")
            // Pipelined after STARTTLS in plaintext: must be discarded, never answered (CVE-2011-0411).
            try await client.send("STARTTLS\r\nLISTSCRIPTS\r\n")
            #expect(try await client.response().final == "OK \"Begin TLS negotiation now\"")
            try await client.startTLS()
            // RFC 5804 §2.2: capabilities again, without STARTTLS.
            let after = try await client.response()
            #expect(after.final == "OK \"TLS negotiation successful\"")
            #expect(!after.lines.contains("\"STARTTLS\""))
            #expect(after.lines.contains("\"SASL\" \"PLAIN LOGIN SCRAM-SHA-256\""))
            #expect(try await client.command("STARTTLS").final == "NO \"TLS already active\"")
            #expect(try await client.command("AUTHENTICATE \"PLAIN\" \"\(ManageSieveFixture.plain())\"").final == "OK \"Authenticated\"")
            #expect(try await client.command("PUTSCRIPT \"s\" \"keep;\"").final == "OK \"script stored\"")
            #expect(try await client.command("LOGOUT").status == "OK")
        }
    }

    @Test func noStartTLSOnceAuthenticatedEvenAfterUnauthenticate() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        let tls = try TestCertificate.makeServerContext()
        try await fixture.withServer(fixture.configuration(tls: tls)) { _, port in
            let client = try await ManageSieveTestClient.connect(port: port)
            #expect(try await client.response().lines.contains("\"STARTTLS\""))
            // Loopback may log in without TLS under the default policy.
            #expect(try await client.command("AUTHENTICATE \"PLAIN\" \"\(ManageSieveFixture.plain())\"").status == "OK")
            #expect(!(try await client.command("CAPABILITY").lines.contains("\"STARTTLS\"")))
            // RFC 5804 §1.7: STARTTLS is not offered "once STARTTLS or AUTHENTICATE command completes".
            #expect(try await client.command("UNAUTHENTICATE").status == "OK")
            let after = try await client.command("CAPABILITY")
            #expect(!after.lines.contains("\"STARTTLS\""))
            #expect(after.lines.contains("\"SASL\" \"PLAIN LOGIN SCRAM-SHA-256\""))
            #expect(try await client.command("STARTTLS").final == "NO \"STARTTLS is only valid before AUTHENTICATE\"")
        }
    }

    @Test func defaultPolicyAllowsPlaintextOnLoopbackOnly() {
        let policy = ManageSieveServer.Configuration.tlsOrLoopback
        #expect(policy("127.0.0.1", false))
        #expect(policy("::1", false))
        #expect(!policy("192.0.2.7", false))
        #expect(policy("192.0.2.7", true))
    }
}
