// AUTHENTICATE over the shared SASL layer (RFC 5804 §2.1): LOGIN and SCRAM-SHA-256 beside PLAIN,
// the SASL response code on success, the plaintext policy per mechanism, throttling with its
// metrics, and UNAUTHENTICATE (§2.14.1), against the real server.

import Auth
import Foundation
import NetworkTestSupport
import Testing
@testable import ManageSieveServer

@Suite(.timeLimit(.minutes(2)))
struct ManageSieveSASLTests {
    /// The fixture's accounts start with a password hash only; a password login gives them the
    /// SCRAM keys, as for an account migrated from another server.
    static func deriveSCRAMKeys(_ fixture: ManageSieveFixture, _ address: String = ManageSieveFixture.address) async throws {
        _ = try #require(await fixture.authenticator.authenticate(address: address, password: ManageSieveFixture.password))
    }

    /// Runs SCRAM-SHA-256 from the client-first-message on; returns the completion line.
    static func scram(_ client: ManageSieveTestClient, _ scram: SCRAMTestClient, initialResponse: Bool) async throws -> String {
        if initialResponse {
            try await client.send("AUTHENTICATE \"SCRAM-SHA-256\" \"\(scram.clientFirst.base64)\"\r\n")
        } else {
            try await client.send("AUTHENTICATE \"SCRAM-SHA-256\"\r\n")
            // RFC 5804 §2.1: "an empty challenge/response is sent as an empty string".
            #expect(try await client.logicalLine() == "\"\"")
            try await client.send("\"\(scram.clientFirst.base64)\"\r\n")
        }
        let serverFirst = try #require(unquote(try await client.logicalLine()).fromBase64)
        let (final, _) = try #require(scram.respond(to: serverFirst))
        // The client-final-message as a literal, which RFC 5804 §2.1 allows as well.
        let encoded = final.base64
        return try await client.command("{\(encoded.utf8.count)+}\r\n\(encoded)").final
    }

    static func unquote(_ line: String) -> String {
        guard line.count >= 2, line.hasPrefix("\""), line.hasSuffix("\"") else { return line }
        return String(line.dropFirst().dropLast())
    }

    @Test func scramWithInitialResponseEndsInOKWithTheServerSignature() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        try await Self.deriveSCRAMKeys(fixture)
        try await fixture.withServer(fixture.configuration()) { _, port in
            let client = try await ManageSieveTestClient.connect(port: port)
            _ = try await client.response()
            let scram = SCRAMTestClient(user: ManageSieveFixture.address, password: ManageSieveFixture.password)
            try await client.send("AUTHENTICATE \"SCRAM-SHA-256\" \"\(scram.clientFirst.base64)\"\r\n")
            let serverFirst = try #require(Self.unquote(try await client.logicalLine()).fromBase64)
            #expect(serverFirst.hasPrefix("r=\(scram.clientNonce)"))
            let (final, expectedServerFinal) = try #require(scram.respond(to: serverFirst))
            // RFC 5804 §2.1: the final server data rides in the SASL response code, no extra round trip.
            #expect(try await client.command("\"\(final.base64)\"").final
                    == "OK (SASL \"\(expectedServerFinal.base64)\") \"Authenticated\"")
            let capabilities = try await client.command("CAPABILITY")
            #expect(capabilities.lines.contains("\"OWNER\" \"alice@example.test\""))
            #expect(capabilities.lines.contains("\"SASL\" \"PLAIN LOGIN SCRAM-SHA-256\""))
            #expect(try await client.command("PUTSCRIPT \"s\" \"keep;\"").final == "OK \"script stored\"")
        }
    }

    /// DESIGN.md rule 4, as IMAP and POP3 apply it: where the policy wants TLS, SCRAM waits for
    /// it like PLAIN and LOGIN (its exchange would still let an eavesdropper guess offline).
    @Test func scramWaitsForTLSLikePasswordsWhereThePolicySaysSo() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        try await Self.deriveSCRAMKeys(fixture)
        // plaintext_auth = "never": not even loopback may log in without TLS.
        try await fixture.withServer(fixture.configuration(allowPlaintextAuth: { _, tls in tls })) { _, port in
            let client = try await ManageSieveTestClient.connect(port: port)
            let greeting = try await client.response()
            #expect(greeting.lines.contains("\"SASL\" \"\""))
            for mechanism in ["PLAIN", "LOGIN", "SCRAM-SHA-256"] {
                #expect(try await client.command("AUTHENTICATE \"\(mechanism)\"").final
                        == "NO (ENCRYPT-NEEDED) \"credentials are only accepted over TLS; use STARTTLS first\"")
            }
        }
    }

    @Test func wrongSCRAMPasswordCancelAndBadBase64AreRefused() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        try await Self.deriveSCRAMKeys(fixture)
        try await fixture.withServer(fixture.configuration()) { _, port in
            let client = try await ManageSieveTestClient.connect(port: port)
            _ = try await client.response()
            let wrong = SCRAMTestClient(user: ManageSieveFixture.address, password: "not it")
            #expect(try await Self.scram(client, wrong, initialResponse: true) == "NO \"authentication failed\"")
            // "*" cancels mid-exchange: NO, and it is no failed login.
            try await client.send("AUTHENTICATE \"SCRAM-SHA-256\" \"\(wrong.clientFirst.base64)\"\r\n")
            _ = try await client.logicalLine()
            #expect(try await client.command("\"*\"").final == "NO \"authentication cancelled\"")
            #expect(try await client.command("AUTHENTICATE \"PLAIN\" \"not base64!\"").final
                    == "NO \"malformed SASL message: initial response is not base64\"")
            // Two failures so far (the cancel is none), below the three that end the connection.
            let right = SCRAMTestClient(user: ManageSieveFixture.address, password: ManageSieveFixture.password)
            #expect(try await Self.scram(client, right, initialResponse: true).hasPrefix("OK (SASL "))
        }
    }

    @Test func loginMechanismWithChallengesAndWithInitialResponse() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer(fixture.configuration()) { _, port in
            let client = try await ManageSieveTestClient.connect(port: port)
            _ = try await client.response()
            try await client.send("AUTHENTICATE \"LOGIN\"\r\n")
            #expect(try await client.logicalLine() == "\"\("Username:".base64)\"")
            try await client.send("\"\(ManageSieveFixture.address.base64)\"\r\n")
            #expect(try await client.logicalLine() == "\"\("Password:".base64)\"")
            let password = ManageSieveFixture.password.base64
            #expect(try await client.command("{\(password.utf8.count)+}\r\n\(password)").final == "OK \"Authenticated\"")
            #expect(try await client.command("CAPABILITY").lines.contains("\"OWNER\" \"alice@example.test\""))

            let second = try await ManageSieveTestClient.connect(port: port)
            _ = try await second.response()
            try await second.send("AUTHENTICATE \"LOGIN\" \"\(ManageSieveFixture.otherAddress.base64)\"\r\n")
            #expect(try await second.logicalLine() == "\"\("Password:".base64)\"")
            #expect(try await second.command("\"\("wrong".base64)\"").final == "NO \"authentication failed\"")
        }
    }

    @Test func failuresAreSlowedThenTheAddressIsRefusedAndCounted() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        try await Self.deriveSCRAMKeys(fixture)
        let metrics = CountingMetricsFactory()
        let throttle = LoginThrottle(configuration: .init(initialDelay: .milliseconds(300), maxDelay: .milliseconds(300),
                                                          lockoutFailures: 2))
        try await fixture.withServer(fixture.configuration(), throttle: throttle, metrics: metrics) { _, port in
            let client = try await ManageSieveTestClient.connect(port: port)
            _ = try await client.response()
            let wrong = ManageSieveFixture.plain(ManageSieveFixture.address, "wrong")
            let clock = ContinuousClock()
            // The first failure has no delay to wait (not asserted as a bound: hashing under a
            // loaded test run alone can take longer than the delay).
            #expect(try await client.command("AUTHENTICATE \"PLAIN\" \"\(wrong)\"").final == "NO \"authentication failed\"")
            // The second failure waits the delay the first one earned, and locks the address out.
            let second = clock.now
            let scram = SCRAMTestClient(user: ManageSieveFixture.address, password: "wrong")
            #expect(try await Self.scram(client, scram, initialResponse: true) == "NO \"authentication failed\"")
            #expect(clock.now - second >= .milliseconds(300))

            // Locked out: every mechanism is refused before any password is looked at.
            let next = try await ManageSieveTestClient.connect(port: port)
            _ = try await next.response()
            #expect(try await next.command("AUTHENTICATE \"PLAIN\" \"\(ManageSieveFixture.plain())\"").final
                    == "NO (TRYLATER) \"too many failed logins, try later\"")
            let right = SCRAMTestClient(user: ManageSieveFixture.address, password: ManageSieveFixture.password)
            try await next.send("AUTHENTICATE \"SCRAM-SHA-256\" \"\(right.clientFirst.base64)\"\r\n")
            #expect(try await next.response().final == "NO (TRYLATER) \"too many failed logins, try later\"")
        }
        let listener = ("listener", "managesieve")
        #expect(metrics.total("facteur_managesieve_logins_total", [listener, ("result", "failure")]) == 2)
        #expect(metrics.total("facteur_managesieve_logins_total", [listener, ("result", "throttled")]) == 2)
        #expect(metrics.total("facteur_managesieve_logins_total", [listener, ("result", "success")]) == 0)
        #expect(await throttle.snapshot().lockedAddresses == 1)
    }

    @Test func unauthenticateAllowsANewLoginAsSomeoneElse() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        try await Self.deriveSCRAMKeys(fixture, ManageSieveFixture.otherAddress)
        try await fixture.withServer(fixture.configuration()) { _, port in
            let client = try await ManageSieveTestClient.connect(port: port)
            _ = try await client.response()
            let wrong = ManageSieveFixture.plain(ManageSieveFixture.address, "wrong")
            #expect(try await client.command("AUTHENTICATE \"PLAIN\" \"\(wrong)\"").status == "NO")
            #expect(try await client.command("AUTHENTICATE \"PLAIN\" \"\(wrong)\"").status == "NO")
            #expect(try await client.command("AUTHENTICATE \"PLAIN\" \"\(ManageSieveFixture.plain())\"").status == "OK")
            #expect(try await client.command("PUTSCRIPT \"alice\" \"keep;\"").status == "OK")
            #expect(try await client.command("UNAUTHENTICATE").final == "OK \"Unauthenticate completed\"")
            #expect(try await client.command("UNAUTHENTICATE").final == "NO \"not authenticated\"")
            // The failure count starts again: two more wrong passwords do not end the connection.
            #expect(try await client.command("AUTHENTICATE \"PLAIN\" \"\(wrong)\"").status == "NO")
            #expect(try await client.command("AUTHENTICATE \"PLAIN\" \"\(wrong)\"").status == "NO")
            let bob = SCRAMTestClient(user: ManageSieveFixture.otherAddress, password: ManageSieveFixture.password)
            #expect(try await Self.scram(client, bob, initialResponse: false).hasPrefix("OK (SASL "))
            #expect(try await client.command("CAPABILITY").lines.contains("\"OWNER\" \"bob@example.test\""))
            #expect(try await client.command("LISTSCRIPTS").lines.isEmpty)   // alice's script is not bob's
        }
    }
}
