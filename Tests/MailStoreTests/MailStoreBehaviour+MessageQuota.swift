// The RFC 9208 MESSAGE quota: append, copy and move against a cap on the account's message count.

import Foundation
import MailStore
import Testing

extension MailStoreBehaviour {
    /// Appends past the cap are refused one by one (the others of the batch are stored), COPY is
    /// refused whole, MOVE adds no message; 'none' lifts the cap; the account reports it.
    func messageQuotaCountsMessages() async throws {
        let account = try await makeAccount("alice@example.test")
        #expect(try await store.account(id: account.id)?.quotaMessages == nil)
        try await store.setMessageQuota(address: "alice@example.test", messages: 2)
        #expect(try await store.account(address: "alice@example.test")?.quotaMessages == 2)
        let results = try await store.append((0..<3).map {
            AppendRequest(accountID: account.id, content: Self.content("Subject: \($0)\r\n\r\nx\r\n"))
        })
        #expect((try? results[0].get()) != nil && (try? results[1].get()) != nil)
        guard case .failure(.overQuota(let id)) = results[2] else {
            Issue.record("third append was not refused: \(results[2])")
            return
        }
        #expect(id == account.id)
        let box = try await inbox(account)
        let target = try await archive(account)
        await expectError(.overQuota(accountID: account.id)) {
            _ = try await store.copyMessages(from: box.id, uids: [1], to: target.id)
        }
        #expect(try await store.moveMessages(from: box.id, uids: [1], to: target.id).destinationUIDs == [1])
        try await store.setMessageQuota(address: "alice@example.test", messages: nil)
        #expect(try await store.copyMessages(from: target.id, uids: [1], to: box.id).destinationUIDs.count == 1)
        #expect(try await store.account(id: account.id)?.messageCount == 3)
        await expectError(.notFound("account nobody@example.test")) {
            try await store.setMessageQuota(address: "nobody@example.test", messages: 1)
        }
    }
}
