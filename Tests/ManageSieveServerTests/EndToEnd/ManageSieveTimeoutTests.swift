// The two inactivity timers of a real session: `[limits] prelogin_timeout_seconds` before
// AUTHENTICATE, the RFC 5804 §1.2 autologout after it, and back on UNAUTHENTICATE.

import NIOCore
import Testing

@Suite struct ManageSieveTimeoutTests {
    @Test func anonymousClientGetsByeAfterThePreLoginTimeout() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        let configuration = fixture.configuration(idleTimeout: .minutes(30), preLoginTimeout: .milliseconds(200))
        try await fixture.withServer(configuration) { _, port in
            let client = try await ManageSieveTestClient.connect(port: port)
            _ = try await client.response()
            let started = ContinuousClock.now
            #expect(try await client.response().final == "BYE \"inactivity timeout\"")
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(await client.isClosedByServer())
        }
    }

    @Test func authenticatedClientOutlivesThePreLoginTimeout() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        // Generous enough for the login itself on a busy machine (the whole suite runs in parallel).
        let configuration = fixture.configuration(idleTimeout: .minutes(30), preLoginTimeout: .seconds(2))
        try await fixture.withServer(configuration) { _, port in
            let client = try await fixture.login(port: port)
            try await Task.sleep(for: .seconds(3))
            // Still served: the pre-login timer no longer applies.
            #expect(try await client.command("NOOP").status == "OK")
            // UNAUTHENTICATE brings the pre-login timer back.
            #expect(try await client.command("UNAUTHENTICATE").status == "OK")
            #expect(try await client.response().final == "BYE \"inactivity timeout\"")
            #expect(await client.isClosedByServer())
        }
    }

    @Test func authenticatedClientStillGetsTheIdleTimeout() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        let configuration = fixture.configuration(idleTimeout: .seconds(1), preLoginTimeout: .minutes(5))
        try await fixture.withServer(configuration) { _, port in
            let client = try await fixture.login(port: port)
            #expect(try await client.response().final == "BYE \"inactivity timeout\"")
            #expect(await client.isClosedByServer())
        }
    }
}
