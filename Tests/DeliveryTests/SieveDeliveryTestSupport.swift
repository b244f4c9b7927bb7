import Delivery
import Foundation
import MailStore
import Testing

extension DeliveryFixture {
    /// Stores `script` as the account's only active script.
    func activate(_ script: String, for address: String, name: String = "main") async throws {
        let account = try #require(try await store.account(address: address))
        try await store.putSieveScript(accountID: account.id, name: name, content: script)
        try await store.activateSieveScript(accountID: account.id, name: name)
    }

    func messages(_ address: String, in mailboxName: String) async throws -> [StoredMessage] {
        guard let account = try await store.account(address: address),
              let mailbox = try await store.mailbox(accountID: account.id, name: mailboxName) else { return [] }
        return try await store.messages(mailboxID: mailbox.id)
    }

    /// Every message of the account, whatever the mailbox.
    func allMessages(_ address: String) async throws -> [StoredMessage] {
        guard let account = try await store.account(address: address) else { return [] }
        var all: [StoredMessage] = []
        for mailbox in try await store.mailboxes(accountID: account.id) {
            all += try await store.messages(mailboxID: mailbox.id)
        }
        return all
    }

    @discardableResult
    func deliver(to recipients: [String], subject: String = "Hello", reversePath: String = "sender@remote.test")
        async -> [RecipientOutcome] {
        await pipeline.deliver(InboundMessage(bytes: DeliveryFixture.message(subject: subject), reversePath: reversePath,
                                              recipients: recipients, trace: DeliveryFixture.trace()))
    }
}
