// Behaviour: the change feed, concurrent appenders, and durability across instances.
import Foundation
import MailStore
import Testing

extension MailStoreBehaviour {
    func changeFeedDeliversCommittedChanges() async throws {
        let account = try await makeAccount("alice@example.test")
        let box = try await inbox(account)
        let feed = store.changes()
        var iterator = feed.makeAsyncIterator()

        let appended = try await appendOne(account, Self.content("hello"))
        let appendChange = try #require(await iterator.next())
        #expect(appendChange == MailboxChange(accountID: account.id, mailboxID: box.id, modSeq: appended.modSeq,
                                              kind: .appended(uid: appended.uid)))
        // Published after commit: a reader that reacts to the change sees the message.
        #expect(try await store.message(mailboxID: box.id, uid: appended.uid) != nil)

        let flagged = try await store.updateFlags(mailboxID: box.id, uids: [appended.uid], operation: .add, flags: ["\\Seen"])
        let flagChange = try #require(await iterator.next())
        #expect(flagChange.kind == .flagsChanged(uid: appended.uid))
        #expect(flagChange.modSeq == flagged[0].modSeq)

        _ = try await store.expunge(mailboxID: box.id, uids: [appended.uid])
        let expungeChange = try #require(await iterator.next())
        #expect(expungeChange.kind == .expunged(uid: appended.uid))
        #expect(expungeChange.modSeq > flagChange.modSeq)
        #expect(try await store.message(mailboxID: box.id, uid: appended.uid) == nil)

        let created = try await store.createMailbox(accountID: account.id, name: "New", specialUse: nil)
        let createChange = try #require(await iterator.next())
        #expect(createChange.kind == .mailboxCreated && createChange.mailboxID == created.id)

        // A refused request publishes nothing: the next change is the next real one.
        _ = try await store.append([AppendRequest(accountID: account.id, mailbox: .name("Nope"), content: Self.content("x"))])
        let second = try await appendOne(account, Self.content("again"))
        #expect(try #require(await iterator.next()).kind == .appended(uid: second.uid))
    }

    /// 50 concurrent deliveries: each stored exactly once, with distinct UIDs 1...50.
    func concurrentAppendersAreStoredOnce() async throws {
        let account = try await makeAccount("alice@example.test")
        let box = try await inbox(account)
        let store = self.store
        let accountID = account.id
        let results = try await withThrowingTaskGroup(of: (Int, AppendedMessage).self) { group in
            for index in 0..<50 {
                group.addTask {
                    let content = MessageContent(bytes: Array("Subject: \(index)\r\n\r\nbody \(index)\r\n".utf8))
                    let outcome = try await store.append([AppendRequest(accountID: accountID, content: content)])
                    return (index, try outcome[0].get())
                }
            }
            var collected: [(Int, AppendedMessage)] = []
            for try await result in group { collected.append(result) }
            return collected
        }
        #expect(results.count == 50)
        #expect(Set(results.map(\.1.uid)) == Set(1...50))
        #expect(Set(results.map(\.1.modSeq)).count == 50)
        let stored = try await store.messages(mailboxID: box.id)
        #expect(stored.count == 50)
        for (index, appended) in results {
            let message = try #require(stored.first { $0.uid == appended.uid })
            #expect(try await store.messageBytes(message) == Array("Subject: \(index)\r\n\r\nbody \(index)\r\n".utf8))
        }
        #expect(try await inbox(account).uidNext == 51)
    }

    func reopenedStoreSeesEverything() async throws {
        let account = try await makeAccount("alice@example.test", quota: 10_000_000)
        try await store.addAlias(address: "all@example.test", targets: ["alice@example.test"])
        let folder = try await store.createMailbox(accountID: account.id, name: "Keep/This", specialUse: .archive)
        let small = Self.content("small body")
        let large = Self.randomContent(bytes: 200 * 1024)
        let first = try await appendOne(account, small, flags: ["\\Flagged", "$Label1"])
        let second = try await appendOne(account, large, mailbox: .id(folder.id))
        let mailboxesBefore = try await store.mailboxes(accountID: account.id)

        let reopened = try await fixture.reopen()
        #expect(try await reopened.account(address: "alice@example.test") == store.account(address: "alice@example.test"))
        #expect(try await reopened.alias(address: "all@example.test")?.targets == ["alice@example.test"])
        #expect(try await reopened.mailboxes(accountID: account.id) == mailboxesBefore)
        let storedSmall = try #require(await reopened.message(mailboxID: first.mailboxID, uid: first.uid))
        #expect(storedSmall.flags == ["$Label1", "\\Flagged"])
        #expect(try await reopened.messageBytes(storedSmall) == small.bytes)
        let storedLarge = try #require(await reopened.message(mailboxID: second.mailboxID, uid: second.uid))
        #expect(try await reopened.messageBytes(storedLarge) == large.bytes)
        // UIDs continue where they were.
        let third = try await reopened.append([AppendRequest(accountID: account.id, content: Self.content("after"))])
        #expect(try third[0].get().uid == first.uid + 1)
    }

    /// The admin CLI writes with its own instance while the server runs: no restart needed.
    func secondInstanceSeesChangesWithoutRestart() async throws {
        try await store.addDomain("example.test")
        let cli = try await fixture.reopen()
        #expect(try await store.account(address: "new@example.test") == nil)   // primes any cache
        try await cli.addAccount(address: "new@example.test", passwordHash: "h", quotaBytes: 5)
        try await cli.addAlias(address: "alias@example.test", targets: ["new@example.test"])
        try await cli.setCatchAll(domain: "example.test", target: "new@example.test")
        #expect(try await store.account(address: "new@example.test")?.quotaBytes == 5)
        #expect(try await store.alias(address: "alias@example.test") != nil)
        #expect(try await store.domain(named: "example.test")?.catchAll == "new@example.test")
        try await cli.setQuota(address: "new@example.test", bytes: nil)
        #expect(try await store.account(address: "new@example.test")?.quotaBytes == nil)
        try await cli.removeAlias(address: "alias@example.test")
        #expect(try await store.alias(address: "alias@example.test") == nil)
        // And the server's deliveries are visible to the CLI.
        let account = try #require(await store.account(address: "new@example.test"))
        _ = try await appendOne(account, Self.content("hi"))
        #expect(try await cli.account(id: account.id)?.messageCount == 1)
    }
}
