// Behaviour: domains, accounts and aliases, with their case rules.
import Foundation
import MailStore
import Testing

extension MailStoreBehaviour {
    func domains() async throws {
        try await store.addDomain("Example.TEST")
        #expect(try await store.domains() == [Domain(name: "example.test")])
        #expect(try await store.domain(named: "EXAMPLE.test")?.name == "example.test")
        #expect(try await store.domain(named: "other.test") == nil)
        await expectError(.alreadyExists("domain example.test")) { try await store.addDomain("example.test") }
        await expectInvalidName { try await store.addDomain("bad domain") }
        await expectInvalidName { try await store.addDomain("a..b") }

        try await store.setCatchAll(domain: "example.TEST", target: "postmaster@example.test")
        #expect(try await store.domain(named: "example.test")?.catchAll == "postmaster@example.test")
        try await store.setCatchAll(domain: "example.test", target: nil)
        #expect(try await store.domain(named: "example.test")?.catchAll == nil)
        await expectError(.notFound("domain nowhere.test")) {
            try await store.setCatchAll(domain: "nowhere.test", target: nil)
        }

        // A domain still in use by an account or an alias cannot go.
        try await store.addAccount(address: "a@example.test", passwordHash: "h", quotaBytes: nil)
        await expectError(.inUse("domain example.test has accounts or aliases")) { try await store.removeDomain("example.test") }
        try await store.removeAccount(address: "a@example.test")
        try await store.addAlias(address: "list@example.test", targets: ["x@remote.test"])
        await expectError(.inUse("domain example.test has accounts or aliases")) { try await store.removeDomain("example.test") }
        try await store.removeAlias(address: "list@example.test")
        try await store.removeDomain("EXAMPLE.test")
        #expect(try await store.domains().isEmpty)
        await expectError(.notFound("domain example.test")) { try await store.removeDomain("example.test") }
    }

    func accounts() async throws {
        try await store.addDomain("example.test")
        let alice = try await store.addAccount(address: "Alice@Example.TEST", passwordHash: "hash1", quotaBytes: 1000)
        #expect(alice.address == "Alice@example.test")
        #expect(alice.usedBytes == 0 && alice.messageCount == 0 && alice.quotaBytes == 1000)
        #expect(try await store.account(address: "alice@EXAMPLE.test") == alice)
        #expect(try await store.account(id: alice.id) == alice)
        #expect(try await store.account(address: "bob@example.test") == nil)
        await expectError(.alreadyExists("address ALICE@example.test")) {
            try await store.addAccount(address: "ALICE@example.test", passwordHash: "h", quotaBytes: nil)
        }
        await expectError(.notFound("domain unknown.test")) {
            try await store.addAccount(address: "x@unknown.test", passwordHash: "h", quotaBytes: nil)
        }
        await expectInvalidName { try await store.addAccount(address: "no-at-sign", passwordHash: "h", quotaBytes: nil) }
        await expectInvalidName { try await store.addAccount(address: "@example.test", passwordHash: "h", quotaBytes: nil) }

        try await store.setPasswordHash(address: "ALICE@example.test", hash: "hash2")
        try await store.setQuota(address: "alice@example.test", bytes: nil)
        let updated = try #require(await store.account(id: alice.id))
        #expect(updated.passwordHash == "hash2" && updated.quotaBytes == nil)
        await expectError(.notFound("account bob@example.test")) {
            try await store.setPasswordHash(address: "bob@example.test", hash: "h")
        }

        try await store.addDomain("other.test")
        let bob = try await store.addAccount(address: "bob@other.test", passwordHash: "h", quotaBytes: nil)
        #expect(try await store.accounts(domain: "OTHER.test").map(\.id) == [bob.id])
        #expect(Set(try await store.accounts(domain: nil).map(\.id)) == [alice.id, bob.id])

        try await store.removeAccount(address: "alice@example.TEST")
        #expect(try await store.account(id: alice.id) == nil)
        await expectError(.notFound("account alice@example.test")) { try await store.removeAccount(address: "alice@example.test") }
        // A new account at a removed address is a new account, with a new id.
        let again = try await store.addAccount(address: "alice@example.test", passwordHash: "h", quotaBytes: nil)
        #expect(again.id != alice.id)
    }

    func aliases() async throws {
        try await store.addDomain("example.test")
        try await store.addAlias(address: "Team@Example.test", targets: ["a@example.test", "b@remote.test"])
        let team = try #require(await store.alias(address: "team@EXAMPLE.TEST"))
        #expect(team.address == "Team@example.test")
        #expect(team.targets == ["a@example.test", "b@remote.test"])
        await expectError(.alreadyExists("address TEAM@example.test")) {
            try await store.addAlias(address: "TEAM@example.test", targets: ["c@example.test"])
        }
        // An address is either an account or an alias, never both.
        await expectError(.alreadyExists("address team@example.test")) {
            try await store.addAccount(address: "team@example.test", passwordHash: "h", quotaBytes: nil)
        }
        try await store.addAccount(address: "user@example.test", passwordHash: "h", quotaBytes: nil)
        await expectError(.alreadyExists("address USER@example.test")) {
            try await store.addAlias(address: "USER@example.test", targets: ["c@example.test"])
        }
        await expectInvalidName { try await store.addAlias(address: "empty@example.test", targets: []) }
        await expectError(.notFound("domain unknown.test")) {
            try await store.addAlias(address: "x@unknown.test", targets: ["a@example.test"])
        }
        try await store.addDomain("other.test")
        try await store.addAlias(address: "x@other.test", targets: ["a@example.test"])
        #expect(try await store.aliases(domain: "example.test").map(\.address) == ["Team@example.test"])
        #expect(try await store.aliases(domain: nil).count == 2)
        try await store.removeAlias(address: "TEAM@example.test")
        #expect(try await store.alias(address: "team@example.test") == nil)
        await expectError(.notFound("alias team@example.test")) { try await store.removeAlias(address: "team@example.test") }
    }

    func removeAccountRemovesItsMail() async throws {
        let alice = try await makeAccount("alice@example.test")
        let bob = try await makeAccount("bob@example.test")
        let shared = Self.randomContent(bytes: 100 * 1024)
        let small = Self.content("Subject: hi\r\n\r\nsmall\r\n")
        _ = try await appendOne(alice, shared)
        _ = try await appendOne(alice, small)
        let bobCopy = try await appendOne(bob, shared)
        try await store.removeAccount(address: "alice@example.test")
        #expect(try await store.mailboxes(accountID: alice.id).isEmpty)
        #expect(try await store.account(address: "alice@example.test") == nil)
        // Bob's copy of the shared body is untouched.
        let stored = try #require(await store.message(mailboxID: bobCopy.mailboxID, uid: bobCopy.uid))
        #expect(try await store.messageBytes(stored) == shared.bytes)
    }
}
