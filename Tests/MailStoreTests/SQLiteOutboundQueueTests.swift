// The outbound queue ("v8-outbound-queue") and Sieve memory ("v9-sieve-duplicates") tables.
import Foundation
import MailStore
import Testing

@Suite struct SQLiteOutboundQueueTests {
    /// Runs `body` on a fresh store and removes it afterwards, failed or not.
    private func withFixture(_ body: (SQLiteMailStoreFixture) async throws -> Void) async throws {
        try await SQLiteMailStoreFixture.run(.init()) { fixture, _ in try await body(fixture) }
    }

    @Test func enqueueListReadAndRemove() async throws {
        try await withFixture { fixture in
            let store = fixture.store
            try await store.addDomain("example.test")
            let alice = try await store.addAccount(address: "alice@example.test", passwordHash: "x", quotaBytes: nil)
            let ids = try await store.enqueueOutbound([
                OutboundMessage(envelopeFrom: "sender@remote.test", recipients: ["a@remote.test", "b@remote.test"],
                                content: Array("Subject: one\r\n\r\nbody\r\n".utf8), origin: .sieveRedirect, accountID: alice.id),
                OutboundMessage(envelopeFrom: "", recipients: ["sender@remote.test"], content: Array("x\r\n".utf8),
                                origin: .sieveVacation),
            ], recording: [])
            #expect(ids.count == 2 && ids[0] < ids[1])
            let entries = try await store.outboundQueue()
            #expect(entries.map(\.id) == ids)
            #expect(entries[0].recipients == ["a@remote.test", "b@remote.test"])
            #expect(entries[0].envelopeFrom == "sender@remote.test")
            #expect(entries[0].origin == .sieveRedirect && entries[0].accountID == alice.id)
            #expect(entries[0].size == 22 && entries[0].attempts == 0 && entries[0].lastError == nil)
            #expect(entries[1].envelopeFrom == "" && entries[1].origin == .sieveVacation && entries[1].accountID == nil)
            #expect(try await store.outboundContent(id: ids[0]) == Array("Subject: one\r\n\r\nbody\r\n".utf8))

            try await store.removeOutbound(id: ids[0])
            #expect(try await store.outboundQueue().map(\.id) == [ids[1]])
            #expect(try await store.outboundContent(id: ids[0]) == nil)
            await #expect(throws: StoreError.notFound("queued message \(ids[0])")) {
                try await store.removeOutbound(id: ids[0])
            }
            // Survives a reopen: a queued redirect is on disk.
            let reopened = try await fixture.reopen()
            #expect(try await reopened.outboundQueue().map(\.id) == [ids[1]])
        }
    }

    @Test func aMessageWithoutRecipientsIsRefusedAndNothingIsWritten() async throws {
        try await withFixture { fixture in
            await #expect(throws: StoreError.self) {
                _ = try await fixture.store.enqueueOutbound(
                    [OutboundMessage(envelopeFrom: "", recipients: ["x@remote.test"], content: [], origin: .sieveReject),
                     OutboundMessage(envelopeFrom: "", recipients: [], content: [], origin: .sieveReject)], recording: [])
            }
            let queue = try await fixture.store.outboundQueue()
            #expect(queue.isEmpty)
        }
    }

    /// RFC 7352 §3.3: without :last the period runs from the first record; with :last it restarts.
    @Test(arguments: [(SieveMemoryRecord.Mode.keepFirst, 1000.0), (.extend, 1500.0), (.restart, 1500.0)])
    func memoryModes(mode: SieveMemoryRecord.Mode, expectedExpiry: Double) async throws {
        try await withFixture { fixture in
            let store = fixture.store
            try await store.addDomain("example.test")
            let alice = try await store.addAccount(address: "alice@example.test", passwordHash: "x", quotaBytes: nil)
            let key = SieveMemoryKey(kind: .duplicate, handle: "", key: "<m1@remote.test>")
            let base = Date().addingTimeInterval(86_400)
            _ = try await store.enqueueOutbound([], recording: [SieveMemoryRecord(accountID: alice.id, key: key, period: 1000,
                                                                                  mode: mode, at: base)])
            _ = try await store.enqueueOutbound([], recording: [SieveMemoryRecord(accountID: alice.id, key: key, period: 1000,
                                                                                  mode: mode, at: base.addingTimeInterval(500))])
            let entry = try #require(try await store.sieveMemory(accountID: alice.id, keys: [key])[key])
            #expect(abs(entry.expires.timeIntervalSince(base) - expectedExpiry) < 0.01)
            #expect(abs(entry.created.timeIntervalSince(base) - (mode == .restart ? 500 : 0)) < 0.01)
            // Kinds, handles and accounts are separate.
            let other = SieveMemoryKey(kind: .vacation, handle: "", key: "<m1@remote.test>")
            #expect(try await store.sieveMemory(accountID: alice.id, keys: [other]).isEmpty)
            #expect(try await store.sieveMemory(accountID: alice.id + 1, keys: [key]).isEmpty)
        }
    }

    @Test func expiredEntriesArePrunedOnTheNextWrite() async throws {
        try await withFixture { fixture in
            let store = fixture.store
            try await store.addDomain("example.test")
            let alice = try await store.addAccount(address: "alice@example.test", passwordHash: "x", quotaBytes: nil)
            let old = SieveMemoryKey(kind: .vacation, handle: "h", key: "old@remote.test")
            let new = SieveMemoryKey(kind: .vacation, handle: "h", key: "new@remote.test")
            _ = try await store.enqueueOutbound([], recording: [
                SieveMemoryRecord(accountID: alice.id, key: old, period: 10, mode: .restart, at: Date().addingTimeInterval(-100)),
                SieveMemoryRecord(accountID: alice.id, key: new, period: 10, mode: .restart, at: Date())])
            #expect(try await store.sieveMemory(accountID: alice.id, keys: [old, new]).keys.sorted { $0.key < $1.key } == [new])
        }
    }
}
