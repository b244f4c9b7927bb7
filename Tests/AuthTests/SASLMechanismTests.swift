import Foundation
import MailStore
import Testing
@testable import Auth

@Suite struct SASLMechanismTests {
    static func server(throttle: LoginThrottle? = nil) async throws -> (SASLServer, InMemoryAccountStore) {
        let hasher = PasswordHasher(configuration: .init(memoryKiB: 8, iterations: 1, parallelism: 1))
        let store = InMemoryAccountStore([("alice@example.test", try await hasher.hash("s3cret"))])
        return (SASLServer(authenticator: Authenticator(store: store, hasher: hasher), throttle: throttle), store)
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func mechanismsAreFoundByNameInAnyCase() async throws {
        let (server, _) = try await Self.server()
        #expect(server.mechanismNames == ["PLAIN", "LOGIN", "SCRAM-SHA-256"])
        #expect(server.makeExchange(mechanism: "scram-sha-256", remote: "")?.mechanism == .scramSHA256)
        #expect(server.makeExchange(mechanism: "SCRAM-SHA-256-PLUS", remote: "") == nil)
        #expect(server.makeExchange(mechanism: "CRAM-MD5", remote: "") == nil)
    }

    @Test func plainWithAndWithoutInitialResponse() async throws {
        let (server, _) = try await Self.server()
        var withIR = try #require(server.makeExchange(mechanism: "PLAIN", remote: ""))
        guard case .success(let account, nil) = await withIR.start(initialResponse: Self.bytes("\0alice@example.test\0s3cret")) else {
            Issue.record("PLAIN with the right password must succeed")
            return
        }
        #expect(account.address == "alice@example.test")

        var withoutIR = try #require(server.makeExchange(mechanism: "PLAIN", remote: ""))
        #expect(await withoutIR.start(initialResponse: nil) == .challenge([]))
        #expect(await withoutIR.step(Self.bytes("\0alice@example.test\0wrong")) == .failure(.badCredentials(user: "alice@example.test")))

        var proxy = try #require(server.makeExchange(mechanism: "PLAIN", remote: ""))
        #expect(await proxy.start(initialResponse: Self.bytes("bob\0alice@example.test\0s3cret"))
                == .failure(.authorizationDenied(user: "alice@example.test")))
        var empty = try #require(server.makeExchange(mechanism: "PLAIN", remote: ""))
        guard case .failure(.malformed) = await empty.start(initialResponse: []) else {
            Issue.record("an empty PLAIN message is malformed")
            return
        }
    }

    @Test func loginAsksForUsernameThenPassword() async throws {
        let (server, _) = try await Self.server()
        var exchange = try #require(server.makeExchange(mechanism: "LOGIN", remote: ""))
        #expect(await exchange.start(initialResponse: nil) == .challenge(Self.bytes("Username:")))
        #expect(await exchange.step(Self.bytes("alice@example.test")) == .challenge(Self.bytes("Password:")))
        guard case .success(let account, nil) = await exchange.step(Self.bytes("s3cret")) else {
            Issue.record("LOGIN with the right password must succeed")
            return
        }
        #expect(account.address == "alice@example.test")
        guard case .failure(.malformed) = await exchange.step(Self.bytes("again")) else {
            Issue.record("a finished exchange takes no more steps")
            return
        }

        // The user name as initial response skips the first challenge.
        var withIR = try #require(server.makeExchange(mechanism: "LOGIN", remote: ""))
        #expect(await withIR.start(initialResponse: Self.bytes("alice@example.test")) == .challenge(Self.bytes("Password:")))
        #expect(await withIR.step(Self.bytes("nope")) == .failure(.badCredentials(user: "alice@example.test")))

        var bad = try #require(server.makeExchange(mechanism: "LOGIN", remote: ""))
        _ = await bad.start(initialResponse: nil)
        guard case .failure(.malformed) = await bad.step([0xFF, 0xFE]) else {
            Issue.record("a user name that is not UTF-8 is malformed")
            return
        }
    }

    @Test func failuresWaitTheThrottleDelay() async throws {
        let throttle = LoginThrottle(configuration: .init(initialDelay: .milliseconds(200), maxDelay: .milliseconds(200)))
        let (server, _) = try await Self.server(throttle: throttle)
        // The first failure has no delay (no failure before it); the second waits.
        var first = try #require(server.makeExchange(mechanism: "LOGIN", remote: "192.0.2.7"))
        _ = await first.start(initialResponse: Self.bytes("alice@example.test"))
        _ = await first.step(Self.bytes("wrong"))
        var second = try #require(server.makeExchange(mechanism: "LOGIN", remote: "192.0.2.7"))
        _ = await second.start(initialResponse: Self.bytes("alice@example.test"))
        let start = ContinuousClock.now
        #expect(await second.step(Self.bytes("wrong")) == .failure(.badCredentials(user: "alice@example.test")))
        #expect(ContinuousClock.now - start >= .milliseconds(200))
        #expect(await throttle.snapshot().failuresRecorded == 2)
    }

    @Test func successDataBecomesALastChallengeAnsweredByAnEmptyResponse() async throws {
        let (server, _) = try await SCRAMSHA256Tests.server()
        let scram = SCRAMSHA256Tests.mechanism(server)
        var exchange = SASLExchange(mechanism: .scramSHA256, implementation: scram, successDataAsChallenge: true)
        _ = await exchange.start(initialResponse: Self.bytes(SCRAMSHA256Tests.clientFirst))
        #expect(await exchange.step(Self.bytes(SCRAMSHA256Tests.clientFinal)) == .challenge(Self.bytes(SCRAMSHA256Tests.serverFinal)))
        guard case .success(let account, nil) = await exchange.step([]) else {
            Issue.record("the empty response completes the exchange")
            return
        }
        #expect(account.address == "user")

        var impatient = SASLExchange(mechanism: .scramSHA256, implementation: SCRAMSHA256Tests.mechanism(server),
                                     successDataAsChallenge: true)
        _ = await impatient.start(initialResponse: Self.bytes(SCRAMSHA256Tests.clientFirst))
        _ = await impatient.step(Self.bytes(SCRAMSHA256Tests.clientFinal))
        guard case .failure(.malformed) = await impatient.step(Self.bytes("x")) else {
            Issue.record("anything but an empty response after the server's proof fails")
            return
        }
    }
}
