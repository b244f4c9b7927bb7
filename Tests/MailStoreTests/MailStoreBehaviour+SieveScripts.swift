// Behaviour: Sieve scripts per account with RFC 5804 semantics (one active, ACTIVE on delete,
// ALREADYEXISTS on rename) and the store's bounds.
import Foundation
import MailStore
import Testing

extension MailStoreBehaviour {
    func sieveScriptLifecycle() async throws {
        let alice = try await makeAccount("alice@example.test")
        let bob = try await makeAccount("bob@example.test")
        #expect(try await store.sieveScripts(accountID: alice.id).isEmpty)
        #expect(try await store.activeSieveScript(accountID: alice.id) == nil)

        try await store.putSieveScript(accountID: alice.id, name: "main", content: "keep;")
        try await store.putSieveScript(accountID: alice.id, name: "vacation", content: "discard;")
        try await store.putSieveScript(accountID: bob.id, name: "main", content: "stop;")
        #expect(try await store.sieveScript(accountID: alice.id, name: "main") == "keep;")
        #expect(try await store.sieveScript(accountID: alice.id, name: "Main") == nil)   // names are case-sensitive
        #expect(try await store.sieveScripts(accountID: alice.id)
                == [SieveScriptEntry(name: "main", isActive: false), SieveScriptEntry(name: "vacation", isActive: false)])

        try await store.activateSieveScript(accountID: alice.id, name: "main")
        #expect(try await store.activeSieveScript(accountID: alice.id) == ActiveSieveScript(name: "main", content: "keep;"))
        #expect(try await store.activeSieveScript(accountID: bob.id) == nil)   // per account
        // RFC 5804 §2.8: activating another one deactivates the first.
        try await store.activateSieveScript(accountID: alice.id, name: "vacation")
        #expect(try await store.sieveScripts(accountID: alice.id).filter(\.isActive).map(\.name) == ["vacation"])
        await expectError(.notFound("")) { try await store.activateSieveScript(accountID: alice.id, name: "nothing") }
        #expect(try await store.activeSieveScript(accountID: alice.id)?.name == "vacation")

        // Replacing the content keeps the active state.
        try await store.putSieveScript(accountID: alice.id, name: "vacation", content: "keep; stop;")
        #expect(try await store.activeSieveScript(accountID: alice.id) == ActiveSieveScript(name: "vacation", content: "keep; stop;"))

        // RFC 5804 §2.10: the active script cannot be deleted.
        await expectError(.inUse("")) { try await store.deleteSieveScript(accountID: alice.id, name: "vacation") }
        try await store.deleteSieveScript(accountID: alice.id, name: "main")
        await expectError(.notFound("")) { try await store.deleteSieveScript(accountID: alice.id, name: "main") }

        // RFC 5804 §2.11: rename keeps the active state; the new name must be free.
        try await store.putSieveScript(accountID: alice.id, name: "other", content: "keep;")
        await expectError(.alreadyExists("")) { try await store.renameSieveScript(accountID: alice.id, from: "vacation", to: "other") }
        await expectError(.notFound("")) { try await store.renameSieveScript(accountID: alice.id, from: "gone", to: "new") }
        try await store.renameSieveScript(accountID: alice.id, from: "vacation", to: "away")
        #expect(try await store.activeSieveScript(accountID: alice.id)?.name == "away")
        #expect(try await store.sieveScript(accountID: alice.id, name: "vacation") == nil)

        // nil deactivates; then the former active one can go.
        try await store.activateSieveScript(accountID: alice.id, name: nil)
        #expect(try await store.activeSieveScript(accountID: alice.id) == nil)
        try await store.deleteSieveScript(accountID: alice.id, name: "away")
        #expect(try await store.sieveScripts(accountID: alice.id).map(\.name) == ["other"])
        #expect(try await store.sieveScript(accountID: bob.id, name: "main") == "stop;")
    }

    func sieveScriptBounds() async throws {
        let alice = try await makeAccount("alice@example.test")
        await expectInvalidName { try await store.putSieveScript(accountID: alice.id, name: "", content: "keep;") }
        await expectInvalidName { try await store.putSieveScript(accountID: alice.id, name: "a\nb", content: "keep;") }
        await expectInvalidName { try await store.putSieveScript(accountID: alice.id, name: "a\u{2028}b", content: "keep;") }
        await expectInvalidName {
            try await store.putSieveScript(accountID: alice.id, name: String(repeating: "x", count: SieveScriptLimits.maxNameBytes + 1),
                                           content: "keep;")
        }
        // RFC 5804 §1.6: 128 characters must be accepted, even when each takes 4 octets.
        try await store.putSieveScript(accountID: alice.id, name: String(repeating: "😀", count: 128), content: "keep;")
        await expectError(.messageTooLarge) {
            try await store.putSieveScript(accountID: alice.id, name: "big",
                                           content: String(repeating: "#", count: SieveScriptLimits.maxScriptBytes + 1))
        }
        for index in 1..<SieveScriptLimits.maxScriptsPerAccount {
            try await store.putSieveScript(accountID: alice.id, name: "s\(index)", content: "keep;")
        }
        await expectError(.overQuota(accountID: alice.id)) {
            try await store.putSieveScript(accountID: alice.id, name: "one-too-many", content: "keep;")
        }
        // Replacing an existing one is still allowed at the bound.
        try await store.putSieveScript(accountID: alice.id, name: "s1", content: "discard;")
        #expect(try await store.sieveScripts(accountID: alice.id).count == SieveScriptLimits.maxScriptsPerAccount)
        await expectError(.notFound("")) { try await store.putSieveScript(accountID: 999_999, name: "x", content: "keep;") }
    }

    func sieveScriptsGoWithTheAccount() async throws {
        let alice = try await makeAccount("alice@example.test")
        try await store.putSieveScript(accountID: alice.id, name: "main", content: "keep;")
        try await store.activateSieveScript(accountID: alice.id, name: "main")
        try await store.removeAccount(address: "alice@example.test")
        #expect(try await store.sieveScripts(accountID: alice.id).isEmpty)
        #expect(try await store.activeSieveScript(accountID: alice.id) == nil)
        // The reopened store (migration v3 applied once) still has another account's scripts.
        let bob = try await makeAccount("bob@example.test")
        try await store.putSieveScript(accountID: bob.id, name: "main", content: "stop;")
        try await store.activateSieveScript(accountID: bob.id, name: "main")
        let reopened = try await fixture.reopen()
        #expect(try await reopened.activeSieveScript(accountID: bob.id) == ActiveSieveScript(name: "main", content: "stop;"))
    }
}
