import Synchronization
import Testing
@testable import Auth

/// Time that moves only when a test says so.
final class ManualTime: Sendable {
    private let elapsed = Mutex(Duration.zero)
    var now: LoginThrottle.Now { { self.elapsed.withLock { $0 } } }
    func advance(by duration: Duration) { elapsed.withLock { $0 += duration } }
}

@Suite struct LoginThrottleTests {
    static let configuration = LoginThrottle.Configuration(
        initialDelay: .milliseconds(500), maxDelay: .seconds(8), lockoutFailures: 10,
        failureWindow: .seconds(900), lockoutDuration: .seconds(900))

    let time = ManualTime()

    func throttle(_ configuration: LoginThrottle.Configuration = Self.configuration) -> LoginThrottle {
        LoginThrottle(configuration: configuration, now: time.now)
    }

    @Test func firstAttemptIsNotDelayed() async {
        let throttle = throttle()
        #expect(await throttle.check(address: "alice@example.test", remote: "192.0.2.1") == .allow(delay: .zero))
    }

    @Test func delaysDoubleUpToTheCap() async {
        let throttle = throttle()
        var delays: [Duration] = []
        for _ in 0..<9 {
            guard case .allow(let delay) = await throttle.check(address: "alice@example.test", remote: "192.0.2.1") else {
                Issue.record("refused before the lockout threshold")
                return
            }
            delays.append(delay)
            await throttle.recordFailure(address: "alice@example.test", remote: "192.0.2.1")
        }
        #expect(delays == [.zero, .milliseconds(500), .seconds(1), .seconds(2), .seconds(4),
                           .seconds(8), .seconds(8), .seconds(8), .seconds(8)])
    }

    @Test func addressIsRefusedAfterThresholdEvenForAnotherAccount() async {
        let throttle = throttle()
        for attempt in 0..<10 {
            await throttle.recordFailure(address: "user\(attempt)@example.test", remote: "192.0.2.1")
        }
        #expect(await throttle.check(address: "alice@example.test", remote: "192.0.2.1") == .refuse(retryAfter: .seconds(900)))
        time.advance(by: .seconds(600))
        #expect(await throttle.check(address: "alice@example.test", remote: "192.0.2.1") == .refuse(retryAfter: .seconds(300)))
        let snapshot = await throttle.snapshot()
        #expect(snapshot.lockouts == 1 && snapshot.refusals == 2 && snapshot.lockedAddresses == 1)
    }

    @Test func nineFailuresDoNotLockOut() async {
        let throttle = throttle()
        for _ in 0..<9 { await throttle.recordFailure(address: "bob@example.test", remote: "192.0.2.1") }
        #expect(await throttle.check(address: "carol@example.test", remote: "192.0.2.1") == .allow(delay: .seconds(8)))
    }

    @Test func lockoutEnds() async {
        let throttle = throttle()
        for _ in 0..<10 { await throttle.recordFailure(address: "alice@example.test", remote: "192.0.2.1") }
        time.advance(by: .seconds(900))
        // The address is free again; the account's run began 900 s ago and has expired too.
        #expect(await throttle.check(address: "alice@example.test", remote: "192.0.2.1") == .allow(delay: .zero))
    }

    @Test func failuresExpireAfterTheWindow() async {
        let throttle = throttle()
        for _ in 0..<5 { await throttle.recordFailure(address: "alice@example.test", remote: "192.0.2.1") }
        time.advance(by: .seconds(899))
        #expect(await throttle.check(address: "alice@example.test", remote: "192.0.2.1") == .allow(delay: .seconds(8)))
        time.advance(by: .seconds(1))
        #expect(await throttle.check(address: "alice@example.test", remote: "192.0.2.1") == .allow(delay: .zero))
        #expect(await throttle.snapshot().trackedAddresses == 0)
    }

    @Test func failuresSpreadOverMoreThanTheWindowDoNotLockOut() async {
        let throttle = throttle()
        for _ in 0..<20 {
            await throttle.recordFailure(address: "alice@example.test", remote: "192.0.2.1")
            time.advance(by: .seconds(100))
        }
        guard case .allow = await throttle.check(address: "alice@example.test", remote: "192.0.2.1") else {
            Issue.record("9 failures per 900 s window must not lock out")
            return
        }
    }

    @Test func successResetsAccountAndAddress() async {
        let throttle = throttle()
        for _ in 0..<4 { await throttle.recordFailure(address: "Alice@Example.test", remote: "192.0.2.1") }
        await throttle.recordSuccess(address: "alice@example.test", remote: "192.0.2.1")
        #expect(await throttle.check(address: "alice@example.test", remote: "192.0.2.1") == .allow(delay: .zero))
        #expect(await throttle.check(address: "alice@example.test", remote: "198.51.100.7") == .allow(delay: .zero))
    }

    @Test func successDoesNotLiftALockout() async {
        let throttle = throttle()
        for _ in 0..<10 { await throttle.recordFailure(address: "mallory@example.test", remote: "192.0.2.1") }
        await throttle.recordSuccess(address: "mallory@example.test", remote: "192.0.2.1")
        #expect(await throttle.check(address: "mallory@example.test", remote: "192.0.2.1") == .refuse(retryAfter: .seconds(900)))
    }

    @Test func accountIsSlowedFromEveryAddressButNeverLockedOut() async {
        let throttle = throttle()
        // Guesses at alice from 30 addresses, so no address reaches the threshold.
        for attempt in 0..<30 {
            await throttle.recordFailure(address: "alice@example.test", remote: "192.0.2.\(attempt)")
        }
        // The account key is case-insensitive.
        #expect(await throttle.check(address: "ALICE@example.test", remote: "198.51.100.7") == .allow(delay: .seconds(8)))
        #expect(await throttle.check(address: "bob@example.test", remote: "198.51.100.7") == .allow(delay: .zero))
        #expect(await throttle.snapshot().lockouts == 0)
    }

    @Test func loopbackIsThrottledUnlessExempt() async {
        let strict = throttle()
        for _ in 0..<10 { await strict.recordFailure(address: "x@example.test", remote: "127.0.0.1") }
        #expect(await strict.check(address: "y@example.test", remote: "127.0.0.1") == .refuse(retryAfter: .seconds(900)))

        var configuration = Self.configuration
        configuration.exemptLoopback = true
        let lenient = throttle(configuration)
        for _ in 0..<10 { await lenient.recordFailure(address: "x@example.test", remote: "::1") }
        #expect(await lenient.check(address: "y@example.test", remote: "::1") == .allow(delay: .zero))
        // The account itself is still slowed down.
        #expect(await lenient.check(address: "x@example.test", remote: "::1") == .allow(delay: .seconds(8)))
    }

    @Test func trackedEntriesAreBounded() async {
        var configuration = Self.configuration
        configuration.maxTrackedEntries = 100
        let throttle = throttle(configuration)
        for attempt in 0..<1_000 {
            await throttle.recordFailure(address: "user\(attempt)@example.test", remote: "10.0.\(attempt / 256).\(attempt % 256)")
            time.advance(by: .milliseconds(1))
        }
        let snapshot = await throttle.snapshot()
        #expect(snapshot.trackedAddresses <= 100 && snapshot.trackedAccounts <= 100)
        #expect(snapshot.evictions >= 1_800)
        // The newest survive, the oldest are gone.
        #expect(await throttle.check(address: "user999@example.test", remote: "10.0.3.231") == .allow(delay: .milliseconds(500)))
        #expect(await throttle.check(address: "user0@example.test", remote: "10.0.0.0") == .allow(delay: .zero))
    }

    @Test func longNamesAreCutToABoundedKey() async {
        let throttle = throttle()
        let long = String(repeating: "a", count: 10_000)
        await throttle.recordFailure(address: long, remote: "192.0.2.1")
        #expect(await throttle.check(address: long + "b", remote: "203.0.113.9") == .allow(delay: .milliseconds(500)))
    }

    @Test(arguments: [("127.0.0.1", true), ("127.8.9.10", true), ("::1", true), ("::FFFF:127.0.0.1", true),
                      ("192.0.2.1", false), ("::2", false), ("1270.0.0.1", false)])
    func loopbackRecognised(address: String, loopback: Bool) {
        #expect(LoginThrottle.isLoopback(address) == loopback)
    }
}
