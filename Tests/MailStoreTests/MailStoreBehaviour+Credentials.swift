// Behaviour: SCRAM keys live and die with the password; app passwords are per account, unique by
// name, bounded in number, and leave with the account.
import Foundation
import MailStore
import Testing

extension MailStoreBehaviour {
    func scramCredentialsFollowThePassword() async throws {
        let alice = try await makeAccount("alice@example.test")
        let bob = try await makeAccount("bob@example.test")
        #expect(try await store.scramCredentials(accountID: alice.id) == nil)
        try await store.setSCRAMCredentials(address: "Alice@Example.test", credentials: "keys-a")
        try await store.setSCRAMCredentials(address: "bob@example.test", credentials: "keys-b")
        #expect(try await store.scramCredentials(accountID: alice.id) == "keys-a")
        // A new password hash makes the old keys useless: the store drops them at once.
        try await store.setPasswordHash(address: "alice@example.test", hash: "$argon2id$new")
        #expect(try await store.scramCredentials(accountID: alice.id) == nil)
        #expect(try await store.scramCredentials(accountID: bob.id) == "keys-b")
        try await store.setSCRAMCredentials(address: "bob@example.test", credentials: nil)
        #expect(try await store.scramCredentials(accountID: bob.id) == nil)
        await expectError(.notFound("")) { try await store.setSCRAMCredentials(address: "nobody@example.test", credentials: "x") }
        await expectInvalidName { try await store.setSCRAMCredentials(address: "bob@example.test", credentials: "a\nb") }
    }

    func appPasswordLifecycle() async throws {
        let alice = try await makeAccount("alice@example.test")
        let bob = try await makeAccount("bob@example.test")
        let created = Date(timeIntervalSince1970: 1_700_000_000)
        let phone = AppPassword(name: "phone", passwordHash: "$argon2id$p", scramCredentials: "s", createdAt: created)
        let laptop = AppPassword(name: "laptop", passwordHash: "$argon2id$l", scramCredentials: nil, createdAt: created)
        try await store.addAppPassword(address: "alice@example.test", phone)
        try await store.addAppPassword(address: "alice@example.test", laptop)
        try await store.addAppPassword(address: "bob@example.test", phone)
        #expect(try await store.appPasswords(accountID: alice.id) == [laptop, phone])
        await expectError(.alreadyExists("")) { try await store.addAppPassword(address: "alice@example.test", phone) }
        await expectError(.notFound("")) { try await store.addAppPassword(address: "nobody@example.test", phone) }
        await expectInvalidName {
            try await store.addAppPassword(address: "alice@example.test",
                                           AppPassword(name: "two words", passwordHash: "h", scramCredentials: nil, createdAt: created))
        }

        // Revoking one leaves the others, and other accounts', alone.
        try await store.removeAppPassword(address: "alice@example.test", name: "phone")
        #expect(try await store.appPasswords(accountID: alice.id) == [laptop])
        #expect(try await store.appPasswords(accountID: bob.id) == [phone])
        await expectError(.notFound("")) { try await store.removeAppPassword(address: "alice@example.test", name: "phone") }

        // Bounded: each failed login may verify every one of them.
        for index in 1..<AppPassword.maximumPerAccount {
            try await store.addAppPassword(address: "alice@example.test",
                                           AppPassword(name: "d\(index)", passwordHash: "h", scramCredentials: nil, createdAt: created))
        }
        await expectError(.overQuota(accountID: alice.id)) {
            try await store.addAppPassword(address: "alice@example.test",
                                           AppPassword(name: "onemore", passwordHash: "h", scramCredentials: nil, createdAt: created))
        }

        try await store.removeAccount(address: "bob@example.test")
        let bobAgain = try await makeAccount("bob@example.test")
        #expect(try await store.appPasswords(accountID: bobAgain.id).isEmpty)
    }
}
