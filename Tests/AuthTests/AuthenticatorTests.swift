import Foundation
import MailStore
import Testing
@testable import Auth

@Suite struct AuthenticatorTests {
    let hasher = PasswordHasher()
    // "correct horse" in SHA-512 crypt, as an account migrated from Dovecot or /etc/shadow has it.
    static let legacyHash = "$6$saltsalt$hRM5XZ86KXEw9UOmjigeVqFgULtFB2sgpC9lXQDfMib3Zgw7mEiUvBJI2EplzfAqxL5Vvwp2scFtv/uamSo5z0"

    @Test func rightPasswordReturnsTheAccount() async throws {
        let store = InMemoryAccountStore([("alice@example.test", try await hasher.hash("s3cret"))])
        let authenticator = Authenticator(store: store, hasher: hasher)
        let account = await authenticator.authenticate(address: "alice@example.test", password: "s3cret")
        #expect(account?.address == "alice@example.test")
        #expect(await store.passwordUpdates.isEmpty, "a current Argon2id hash is not rewritten")
    }

    @Test func wrongPasswordAndUnknownAccountBothFail() async throws {
        let store = InMemoryAccountStore([("alice@example.test", try await hasher.hash("s3cret"))])
        let authenticator = Authenticator(store: store, hasher: hasher)
        #expect(await authenticator.authenticate(address: "alice@example.test", password: "s3creT") == nil)
        #expect(await authenticator.authenticate(address: "bob@example.test", password: "s3cret") == nil)
        #expect(await authenticator.authenticate(address: "", password: "s3cret") == nil)
        #expect(await store.passwordUpdates.isEmpty)
    }

    @Test(arguments: ["Alice@Example.TEST", "ALICE@EXAMPLE.TEST", "alice@EXAMPLE.test"])
    func addressLookupIgnoresCase(address: String) async throws {
        let store = InMemoryAccountStore([("alice@example.test", try await hasher.hash("s3cret"))])
        let authenticator = Authenticator(store: store, hasher: hasher)
        #expect(await authenticator.authenticate(address: address, password: "s3cret")?.id == 1)
    }

    @Test func legacyCryptHashIsReplacedByArgon2idOnLogin() async throws {
        let store = InMemoryAccountStore([("carol@example.test", Self.legacyHash)])
        let authenticator = Authenticator(store: store, hasher: hasher)

        let account = try #require(await authenticator.authenticate(address: "carol@example.test",
                                                                    password: "correct horse"))
        let stored = try #require(await store.storedHash("carol@example.test"))
        #expect(stored.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(account.passwordHash == stored)
        #expect(!hasher.needsRehash(stored))
        #expect(hasher.verify("correct horse", against: stored))
        #expect(await store.passwordUpdates.count == 1)

        // The next login uses the new hash and writes nothing.
        #expect(await authenticator.authenticate(address: "carol@example.test", password: "correct horse") != nil)
        #expect(await store.passwordUpdates.count == 1)
    }

    @Test func failedLoginNeverRehashes() async throws {
        let store = InMemoryAccountStore([("carol@example.test", Self.legacyHash)])
        let authenticator = Authenticator(store: store, hasher: hasher)
        #expect(await authenticator.authenticate(address: "carol@example.test", password: "wrong") == nil)
        #expect(await store.storedHash("carol@example.test") == Self.legacyHash)
    }

    @Test func olderArgon2ParametersAreUpgraded() async throws {
        let weak = PasswordHasher(configuration: .init(memoryKiB: 1024, iterations: 1, parallelism: 1))
        let store = InMemoryAccountStore([("dave@example.test", try await weak.hash("pw"))])
        let authenticator = Authenticator(store: store, hasher: hasher)
        #expect(await authenticator.authenticate(address: "dave@example.test", password: "pw") != nil)
        #expect(await store.storedHash("dave@example.test")?.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$") == true)
    }

    @Test func loginSucceedsEvenWhenStoringTheNewHashFails() async throws {
        let store = InMemoryAccountStore([("carol@example.test", Self.legacyHash)])
        await store.setFailPasswordUpdates(true)
        let authenticator = Authenticator(store: store, hasher: hasher)
        let account = await authenticator.authenticate(address: "carol@example.test", password: "correct horse")
        #expect(account?.passwordHash == Self.legacyHash)
    }

    @Test func unknownAccountCostsAboutAsMuchAsAWrongPassword() async throws {
        let store = InMemoryAccountStore([("alice@example.test", try await hasher.hash("s3cret"))])
        let authenticator = Authenticator(store: store, hasher: hasher)
        let clock = ContinuousClock()
        // Warm up, then take the fastest of a few runs of each to dampen scheduling noise.
        _ = await authenticator.authenticate(address: "alice@example.test", password: "x")
        var known = Duration.seconds(60)
        var unknown = Duration.seconds(60)
        for _ in 0..<3 {
            known = min(known, await clock.measure {
                _ = await authenticator.authenticate(address: "alice@example.test", password: "x")
            })
            unknown = min(unknown, await clock.measure {
                _ = await authenticator.authenticate(address: "nobody@example.test", password: "x")
            })
        }
        // Without the decoy verification an unknown account would answer in microseconds.
        // A loose bound: under a loaded machine (tests run in parallel) timings swing widely.
        #expect(unknown > known / 20, "unknown \(unknown) vs known \(known)")
    }

    @Test func overlongAddressIsNotLookedUp() async throws {
        let store = InMemoryAccountStore([])
        let authenticator = Authenticator(store: store, hasher: hasher)
        let address = String(repeating: "a", count: 300) + "@example.test"
        #expect(await authenticator.authenticate(address: address, password: "pw") == nil)
        #expect(await store.lookups.isEmpty)
    }
}
