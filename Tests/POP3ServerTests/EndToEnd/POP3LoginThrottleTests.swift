// A real server sharing a LoginThrottle: wrong passwords from 127.0.0.1 end in [SYS/TEMP]
// (RFC 3206 §4) even for the right password, without locking the account out elsewhere.

import Auth
import Foundation
import Logging
import NetworkTestSupport
import Synchronization
import Testing
@testable import POP3Server

/// Time for the throttle that moves only when the test says so.
private final class ThrottleTime: Sendable {
    private let elapsed = Mutex(Duration.zero)
    var now: LoginThrottle.Now { { self.elapsed.withLock { $0 } } }
    func advance(by duration: Duration) { elapsed.withLock { $0 += duration } }
}

@Suite(.timeLimit(.minutes(2)))
struct POP3LoginThrottleTests {
    static let refused = "-ERR [SYS/TEMP] too many failed logins, try later"
    static let invalid = "-ERR [AUTH] invalid user name or password"

    /// Runs a server with `throttle` whose sessions tolerate `maxAuthFailures` failed logins.
    static func withServer(throttle: LoginThrottle, maxAuthFailures: Int = 20,
                           _ body: (POP3Fixture, Int) async throws -> Void) async throws {
        let fixture = try await POP3Fixture.make()
        defer { fixture.tearDown() }
        let configuration = POP3Server.Configuration(host: "127.0.0.1", port: 0, hostname: "pop.test",
                                                     maxAuthFailures: maxAuthFailures, shutdownGracePeriod: .seconds(5))
        var logger = Logger(label: "test.pop3.throttle")
        logger.logLevel = .critical
        let server = POP3Server(configuration: configuration, store: fixture.store, authenticator: fixture.authenticator,
                                logger: logger, loginThrottle: throttle)
        try await MailServerTestFixture.withServer(server) { _, port in try await body(fixture, port) }
    }

    @Test func repeatedFailuresLockTheAddressOutButNotTheAccount() async throws {
        let time = ThrottleTime()
        let throttle = LoginThrottle(
            configuration: .init(initialDelay: .milliseconds(1), maxDelay: .milliseconds(4), lockoutFailures: 10,
                                 failureWindow: .seconds(900), lockoutDuration: .seconds(900)),
            now: time.now)
        try await Self.withServer(throttle: throttle) { fixture, port in
            let client = try await POP3TestClient.connect(port: port)
            _ = try await client.line()
            var replies: [String] = []
            for _ in 0..<12 {
                _ = try await client.command("USER \(POP3Fixture.address)")
                replies.append(try await client.command("PASS wrong"))
            }
            #expect(replies == Array(repeating: Self.invalid, count: 10) + [Self.refused, Self.refused])
            // The right password is not even checked while the address is locked out.
            _ = try await client.command("USER \(POP3Fixture.address)")
            #expect(try await client.command("PASS \(POP3Fixture.password)") == Self.refused)
            // AUTH PLAIN goes through the same gate: "\0alice@example.test\0secret".
            let plain = Data("\u{0}\(POP3Fixture.address)\u{0}\(POP3Fixture.password)".utf8).base64EncodedString()
            #expect(try await client.command("AUTH PLAIN \(plain)") == Self.refused)
            await client.close()

            // Another address is only slowed down for this account, never refused.
            #expect(await throttle.check(address: POP3Fixture.address, remote: "192.0.2.1") == .allow(delay: .milliseconds(4)))
            let snapshot = await throttle.snapshot()
            #expect(snapshot.lockouts == 1 && snapshot.refusals == 4 && snapshot.failuresRecorded == 10)

            // Once the lockout ends, the right password logs in over a new connection.
            time.advance(by: .seconds(900))
            let again = try await fixture.login(port: port)
            #expect(try await again.command("QUIT").hasPrefix("+OK"))
            await again.close()
        }
    }

    @Test func onlyFailuresAreDelayed() async throws {
        // Long enough that a success on a loaded machine (Argon2 verification, a busy CI box) is
        // still clearly shorter than a delayed failure.
        let delay = Duration.seconds(3)
        let throttle = LoginThrottle(configuration: .init(initialDelay: delay, maxDelay: delay))
        try await Self.withServer(throttle: throttle) { _, port in
            let client = try await POP3TestClient.connect(port: port)
            _ = try await client.line()
            _ = try await client.command("USER \(POP3Fixture.address)")
            #expect(try await client.command("PASS wrong") == Self.invalid)   // first failure: no delay yet

            let clock = ContinuousClock()
            _ = try await client.command("USER \(POP3Fixture.address)")
            var start = clock.now
            #expect(try await client.command("PASS wrong") == Self.invalid)
            #expect(clock.now - start >= delay)

            _ = try await client.command("USER \(POP3Fixture.address)")
            start = clock.now
            #expect(try await client.command("PASS \(POP3Fixture.password)").hasPrefix("+OK"))
            #expect(clock.now - start < delay)
            #expect(try await client.command("QUIT").hasPrefix("+OK"))
            await client.close()
            // The success forgot both the account's and the address's failures.
            #expect(await throttle.check(address: POP3Fixture.address, remote: "127.0.0.1") == .allow(delay: .zero))
        }
    }
}
