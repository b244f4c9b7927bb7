// Small reads on the caller's thread (InlineReaders, issue 8): the same answers as the pool's,
// fresh after every commit, the pool for reads past the bound, nothing after close.
import Foundation
@testable import MailStore
import Testing

@Suite struct SQLiteInlineReadTests {
    /// Every read an IMAP session makes, from a store reading inline and from one that never
    /// does: equal answers, and the inline store took its connections.
    @Test func inlineReadsAnswerLikeThePool() async throws {
        var configuration = SQLiteMailStore.Configuration()
        configuration.inlineBodyLimit = 1_024          // message 3 is kept in a file
        try await SQLiteMailStoreFixture.run(configuration) { fixture, behaviour in
            let store = fixture.sqliteStore
            let account = try await behaviour.makeAccount("alice@example.test")
            let bodies = ["Subject: one\r\n\r\nshort\r\n", "Subject: two\r\nFrom: b@example.test\r\n\r\nx\r\n",
                          "Subject: three\r\n\r\n" + String(repeating: "long line of text\r\n", count: 200)]
            for (index, body) in bodies.enumerated() {
                _ = try await behaviour.appendOne(account, MailStoreBehaviour.content(body), flags: index == 1 ? ["\\Seen"] : [],
                                                  prefix: Array("Received: by test\r\n".utf8))
            }
            let box = try await behaviour.inbox(account)
            _ = try await store.updateFlags(mailboxID: box.id, uids: [1], operation: .add, flags: ["$Later"])

            var poolOnly = SQLiteMailStore.Configuration()
            poolOnly.inlineReaderCount = 0
            let pool = try SQLiteMailStore(directory: fixture.directory, logger: .init(label: "test.pool"),
                                           configuration: poolOnly)
            defer { try? pool.close() }
            let before = store.inlineReaders.statistics.inline

            #expect(try await store.mailbox(accountID: account.id, name: "INBOX") == pool.mailbox(accountID: account.id, name: "INBOX"))
            #expect(try await store.mailbox(accountID: account.id, name: "Nope") == nil)
            let selection = try await store.mailboxSelection(accountID: account.id, name: "INBOX")
            #expect(selection == (try await pool.mailboxSelection(accountID: account.id, name: "INBOX")))
            #expect(selection?.uids == [1, 2, 3] && selection?.firstUnseenUID == 1)
            #expect(try await store.mailboxSelection(accountID: account.id, name: "Nope") == nil)
            let messages = try await store.messages(mailboxID: box.id, uids: [1, 2, 3])
            #expect(messages == (try await pool.messages(mailboxID: box.id, uids: [1, 2, 3])))
            #expect(try await store.messagesWithoutMetadata(mailboxID: box.id, uids: [3, 1])
                == (try await pool.messagesWithoutMetadata(mailboxID: box.id, uids: [3, 1])))
            // `box` was read before the flag change: that change alone is newer.
            let changes = try await store.changes(mailboxID: box.id, sinceModSeq: box.highestModSeq)
            let poolChanges = try await pool.changes(mailboxID: box.id, sinceModSeq: box.highestModSeq)
            #expect(changes.changed == poolChanges.changed && changes.changed.map(\.uid) == [1])
            #expect(try await store.changes(mailboxID: box.id, sinceModSeq: 0).changed.map(\.uid) == [1, 2, 3])
            // Whole messages and pieces, from the database and from the file (message 3).
            for message in messages {
                let whole = try await pool.messageBytes(message)
                #expect(try await store.messageBytes(message, range: 0..<whole.count) == whole)
                #expect(try await store.messageBytes(message, range: 10..<whole.count - 3) == Array(whole[10..<whole.count - 3]))
            }
            let requests = messages.map { MessageRangeRequest(message: $0, range: 5..<2_000) }
            #expect(try await store.messageBytes(requests) == (try await pool.messageBytes(requests)))
            #expect(store.inlineReaders.statistics.inline >= before + 12)
            #expect(pool.inlineReaders.statistics.inline == 0)
        }
    }

    /// A read never answers from an older snapshot: each one sees the commit before it.
    @Test func everyReadSeesTheLatestCommit() async throws {
        try await SQLiteMailStoreFixture.run { fixture, behaviour in
            let store = fixture.sqliteStore
            let account = try await behaviour.makeAccount("alice@example.test")
            _ = try await behaviour.appendOne(account, MailStoreBehaviour.content("Subject: a\r\n\r\nx\r\n"))
            let box = try await behaviour.inbox(account)
            for round in 1...20 {
                let operation: FlagOperation = round.isMultiple(of: 2) ? .remove : .add
                let written = try await store.updateFlags(mailboxID: box.id, uids: [1], operation: operation, flags: ["\\Seen"])
                let read = try #require(try await store.messages(mailboxID: box.id, uids: [1]).first)
                #expect(read.flags.contains("\\Seen") == !round.isMultiple(of: 2))
                #expect(read.modSeq == written.first?.modSeq)
                let selection = try #require(try await store.mailboxSelection(accountID: account.id, name: "INBOX"))
                #expect(selection.mailbox.highestModSeq == read.modSeq)
                #expect(selection.firstUnseenUID == (round.isMultiple(of: 2) ? 1 : nil))
            }
        }
    }

    /// Past the bound (more UIDs or changed rows than one batch), the pool answers, whole.
    @Test func readsPastTheBoundAnswerWhole() async throws {
        try await SQLiteMailStoreFixture.run { fixture, behaviour in
            let store = fixture.sqliteStore
            let account = try await behaviour.makeAccount("alice@example.test")
            let count = InlineReaders.inlineRowLimit + 44
            _ = try await store.append((1...count).map {
                AppendRequest(accountID: account.id, content: MailStoreBehaviour.content("Subject: \($0)\r\n\r\nx\r\n"))
            }).map { try $0.get() }
            let box = try await behaviour.inbox(account)
            let all = (1...UInt32(count)).map { $0 }
            #expect(try await store.messages(mailboxID: box.id, uids: all).map(\.uid) == all)
            #expect(try await store.messagesWithoutMetadata(mailboxID: box.id, uids: all).map(\.uid) == all)
            #expect(try await store.changes(mailboxID: box.id, sinceModSeq: 0).changed.map(\.uid) == all)
            _ = try await store.expunge(mailboxID: box.id, uids: all)
            let expunged = try await store.changes(mailboxID: box.id, sinceModSeq: 0)
            #expect(expunged.changed.isEmpty && expunged.expunged.map(\.uid) == all)
        }
    }

    /// A closed store answers no read, inline connections or not.
    @Test func closedStoreReadsFail() async throws {
        let fixture = try SQLiteMailStoreFixture()
        let behaviour = MailStoreBehaviour(fixture: fixture)
        let account = try await behaviour.makeAccount("alice@example.test")
        try fixture.sqliteStore.close()
        await #expect(throws: StoreError.self) {
            _ = try await fixture.store.mailbox(accountID: account.id, name: "INBOX")
        }
        #expect(fixture.sqliteStore.inlineReaders.statistics.fellBack >= 1)
        await fixture.tearDown()
    }
}
