// Greeting, capabilities, AUTHENTICATE PLAIN (initial response, quoted and literal continuation,
// cancel, failures), UNAUTHENTICATE, LOGOUT and the state rules, against the real server.

import Auth
import Testing
@testable import ManageSieveServer

@Suite(.timeLimit(.minutes(2)))
struct ManageSieveAuthenticationTests {
    @Test func greetingAdvertisesCapabilities() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer(fixture.configuration()) { _, port in
            let client = try await ManageSieveTestClient.connect(port: port)
            let greeting = try await client.response()
            #expect(greeting.final == "OK \"sieve.test Facteur ManageSieve ready\"")
            #expect(greeting.lines.first == "\"IMPLEMENTATION\" \"Facteur ManageSieve\"")
            #expect(greeting.lines.contains("\"SASL\" \"PLAIN LOGIN SCRAM-SHA-256\""))
            #expect(greeting.lines.contains("\"VERSION\" \"1.0\""))
            #expect(greeting.lines.contains("\"MAXREDIRECTS\" \"4\""))
            #expect(!greeting.lines.contains("\"STARTTLS\""))   // no TLS context configured
            #expect(!greeting.lines.contains { $0.hasPrefix("\"NOTIFY\"") || $0.hasPrefix("\"OWNER\"") })
            let sieve = try #require(greeting.lines.first { $0.hasPrefix("\"SIEVE\" ") })
            for name in ["fileinto", "vacation", "imap4flags", "variables", "envelope", "body", "include"] {
                #expect(sieve.contains(" \(name)") || sieve.contains("\"\(name)"))
            }
            #expect(try await client.command("CAPABILITY").lines == greeting.lines)
            #expect(try await client.command("NOOP").final == "OK \"NOOP completed\"")
            #expect(try await client.command("NOOP \"STARTTLS-SYNC-42\"").final == "OK (TAG \"STARTTLS-SYNC-42\") \"Done\"")
            // RFC 5804 §2: only AUTHENTICATE, CAPABILITY, STARTTLS, LOGOUT and NOOP before login.
            #expect(try await client.command("LISTSCRIPTS").final == "NO \"authenticate first\"")
            #expect(try await client.command("UNAUTHENTICATE").final == "NO \"not authenticated\"")
            #expect(try await client.command("STARTTLS").final == "NO \"STARTTLS not available\"")
            #expect(try await client.command("FROBNICATE").final == "NO \"unknown command\"")
            #expect(try await client.command("LOGOUT").final == "OK \"Logout completed\"")
            #expect(await client.isClosedByServer())
        }
    }

    @Test func authenticateWithInitialResponse() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer(fixture.configuration()) { _, port in
            let client = try await fixture.login(port: port)
            let capabilities = try await client.command("CAPABILITY")
            #expect(capabilities.lines.contains("\"OWNER\" \"alice@example.test\""))
            // RFC 5804 §2.1: no reauthentication.
            let again = try await client.command("AUTHENTICATE \"PLAIN\" \"\(ManageSieveFixture.plain())\"")
            #expect(again.final == "NO \"already authenticated\"")
            #expect(try await client.command("UNAUTHENTICATE").final == "OK \"Unauthenticate completed\"")
            #expect(try await client.command("LISTSCRIPTS").final == "NO \"authenticate first\"")
            #expect(!(try await client.command("CAPABILITY").lines.contains { $0.hasPrefix("\"OWNER\"") }))
            let other = try await client.command("AUTHENTICATE \"PLAIN\" \"\(ManageSieveFixture.plain(ManageSieveFixture.otherAddress))\"")
            #expect(other.final == "OK \"Authenticated\"")
            #expect(try await client.command("CAPABILITY").lines.contains("\"OWNER\" \"bob@example.test\""))
        }
    }

    @Test func authenticateWithContinuationQuotedAndLiteral() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer(fixture.configuration()) { _, port in
            let client = try await ManageSieveTestClient.connect(port: port)
            _ = try await client.response()
            try await client.send("AUTHENTICATE \"PLAIN\"\r\n")
            // The empty challenge is an empty string (RFC 5804 §2.1).
            #expect(try await client.logicalLine() == "\"\"")
            #expect(try await client.command("\"\(ManageSieveFixture.plain())\"").final == "OK \"Authenticated\"")

            let second = try await ManageSieveTestClient.connect(port: port)
            _ = try await second.response()
            let plain = ManageSieveFixture.plain()
            try await second.send("Authenticate \"plain\" {0+}\r\n\r\n")
            // An empty initial response is a response: PLAIN refuses it as malformed.
            #expect(try await second.response().final.hasPrefix("NO \"malformed SASL message: "))
            try await second.send("AUTHENTICATE \"PLAIN\"\r\n")
            #expect(try await second.logicalLine() == "\"\"")
            #expect(try await second.command("{\(plain.utf8.count)+}\r\n\(plain)").final == "OK \"Authenticated\"")

            let third = try await ManageSieveTestClient.connect(port: port)
            _ = try await third.response()
            try await third.send("AUTHENTICATE \"PLAIN\" {\(plain.utf8.count)+}\r\n\(plain)\r\n")
            #expect(try await third.response().final == "OK \"Authenticated\"")
        }
    }

    @Test func cancelAndFailuresEndInBye() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer(fixture.configuration()) { _, port in
            let client = try await ManageSieveTestClient.connect(port: port)
            _ = try await client.response()
            try await client.send("AUTHENTICATE \"PLAIN\"\r\n")
            _ = try await client.logicalLine()
            #expect(try await client.command("\"*\"").final == "NO \"authentication cancelled\"")
            #expect(try await client.command("AUTHENTICATE \"CRAM-MD5\"").final == "NO \"unsupported SASL mechanism\"")
            let wrong = ManageSieveFixture.plain(ManageSieveFixture.address, "wrong")
            #expect(try await client.command("AUTHENTICATE \"PLAIN\" \"\(wrong)\"").final == "NO \"authentication failed\"")
            let proxy = ManageSieveFixture.plain(authzid: ManageSieveFixture.otherAddress)
            #expect(try await client.command("AUTHENTICATE \"PLAIN\" \"\(proxy)\"").final
                    == "NO \"authorization identity not permitted\"")
            // Third failure: BYE and close (RFC 5804 §2.1 example).
            let last = try await client.command("AUTHENTICATE \"PLAIN\" \"\(wrong)\"")
            #expect(last.final == "BYE \"too many failed authentication attempts\"")
            #expect(await client.isClosedByServer())
        }
    }

    @Test func throttledLoginGetsTryLater() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        let throttle = LoginThrottle(configuration: .init(initialDelay: .zero, maxDelay: .zero, lockoutFailures: 1))
        try await fixture.withServer(fixture.configuration(), throttle: throttle) { _, port in
            let client = try await ManageSieveTestClient.connect(port: port)
            _ = try await client.response()
            let wrong = ManageSieveFixture.plain(ManageSieveFixture.address, "wrong")
            #expect(try await client.command("AUTHENTICATE \"PLAIN\" \"\(wrong)\"").final == "NO \"authentication failed\"")
            // Locked out: even the right password is not checked.
            #expect(try await client.command("AUTHENTICATE \"PLAIN\" \"\(ManageSieveFixture.plain())\"").final
                    == "NO (TRYLATER) \"too many failed logins, try later\"")
        }
    }

    @Test func tooManyErrorsEndInBye() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer(fixture.configuration(maxErrors: 3)) { _, port in
            let client = try await ManageSieveTestClient.connect(port: port)
            _ = try await client.response()
            #expect(try await client.command("BOGUS").status == "NO")
            #expect(try await client.command("GETSCRIPT \"x").status == "NO")
            #expect(try await client.command("BOGUS").final == "BYE \"too many errors\"")
            #expect(await client.isClosedByServer())
        }
    }

    @Test func idleClientGetsBye() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer(fixture.configuration(idleTimeout: .milliseconds(200))) { _, port in
            let client = try await ManageSieveTestClient.connect(port: port)
            _ = try await client.response()
            #expect(try await client.response().final == "BYE \"inactivity timeout\"")
            #expect(await client.isClosedByServer())
        }
    }

    @Test func shutdownSaysByeTryLater() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer(fixture.configuration()) { server, port in
            let client = try await fixture.login(port: port)
            server.shutdown()
            #expect(try await client.response().final == "BYE (TRYLATER) \"server shutting down\"")
        }
    }
}
