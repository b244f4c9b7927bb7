// Behaviour: default mailboxes, create/rename/delete with the RFC 9051 §6.3 rules, subscriptions.
import Foundation
import MailStore
import Testing

extension MailStoreBehaviour {
    func defaultMailboxes() async throws {
        let account = try await makeAccount("alice@example.test")
        let mailboxes = try await store.mailboxes(accountID: account.id)
        let byName = Dictionary(uniqueKeysWithValues: mailboxes.map { ($0.name, $0) })
        #expect(Set(byName.keys) == ["INBOX", "Drafts", "Sent", "Trash", "Junk", "Archive"])
        #expect(byName["INBOX"]?.specialUse == nil)
        #expect(byName["Drafts"]?.specialUse == .drafts)
        #expect(byName["Sent"]?.specialUse == .sent)
        #expect(byName["Trash"]?.specialUse == .trash)
        #expect(byName["Junk"]?.specialUse == .junk)
        #expect(byName["Archive"]?.specialUse == .archive)
        for mailbox in mailboxes {
            #expect(mailbox.subscribed)
            #expect(mailbox.uidValidity != 0)
            #expect(mailbox.uidNext == 1)
            #expect(mailbox.messageCount == 0 && mailbox.unseenCount == 0 && mailbox.totalBytes == 0)
            #expect(mailbox.accountID == account.id)
        }
        #expect(Set(mailboxes.map(\.uidValidity)).count == mailboxes.count)
        // RFC 9051 §5.1: INBOX is case-insensitive.
        #expect(try await store.mailbox(accountID: account.id, name: "inbox")?.name == "INBOX")
        #expect(try await store.mailbox(accountID: account.id, name: "sent") == nil)
    }

    func mailboxCreateRenameDelete() async throws {
        let account = try await makeAccount("alice@example.test")
        let id = account.id
        let q1 = try await store.createMailbox(accountID: id, name: "Projects/2026/Q1", specialUse: nil)
        #expect(q1.name == "Projects/2026/Q1")
        // RFC 9051 §6.3.4: superior names are created on the way.
        #expect(try await store.mailbox(accountID: id, name: "Projects") != nil)
        #expect(try await store.mailbox(accountID: id, name: "Projects/2026") != nil)
        await expectError(.alreadyExists("")) { try await store.createMailbox(accountID: id, name: "Projects/2026/Q1", specialUse: nil) }
        await expectError(.alreadyExists("")) { try await store.createMailbox(accountID: id, name: "inbox", specialUse: nil) }
        for bad in ["", "a//b", "/a", "a/", "tab\there", String(repeating: "x", count: 2000),
                    Array(repeating: "d", count: 100).joined(separator: "/")] {
            await expectInvalidName { try await store.createMailbox(accountID: id, name: bad, specialUse: nil) }
        }
        let flagged = try await store.createMailbox(accountID: id, name: "Starred", specialUse: .flagged)
        #expect(flagged.specialUse == .flagged)

        let message = try await appendOne(account, Self.content("Subject: q1\r\n\r\nbody\r\n"), mailbox: .id(q1.id))

        // RFC 9051 §6.3.6: inferior names are renamed with their parent; messages and UIDs stay.
        try await store.renameMailbox(accountID: id, from: "Projects", to: "Work/Old")
        #expect(try await store.mailbox(accountID: id, name: "Projects") == nil)
        #expect(try await store.mailbox(accountID: id, name: "Projects/2026/Q1") == nil)
        #expect(try await store.mailbox(accountID: id, name: "Work") != nil)
        let moved = try #require(await store.mailbox(accountID: id, name: "Work/Old/2026/Q1"))
        #expect(moved.id == q1.id && moved.uidValidity == q1.uidValidity && moved.messageCount == 1)
        #expect(try await store.message(mailboxID: moved.id, uid: message.uid) != nil)
        await expectError(.alreadyExists("")) { try await store.renameMailbox(accountID: id, from: "Starred", to: "Work") }
        await expectError(.notFound("")) { try await store.renameMailbox(accountID: id, from: "Nope", to: "Other") }
        await expectInvalidName { try await store.renameMailbox(accountID: id, from: "Work", to: "Work/Inside") }

        // RFC 9051 §6.3.5: INBOX cannot be deleted; deleting a parent leaves its inferiors.
        await expectInvalidName { try await store.deleteMailbox(accountID: id, name: "Inbox") }
        await expectError(.notFound("")) { try await store.deleteMailbox(accountID: id, name: "Nope") }
        let accountBefore = try #require(await store.account(id: id))
        try await store.deleteMailbox(accountID: id, name: "Work/Old/2026/Q1")
        #expect(try await store.mailbox(accountID: id, name: "Work/Old/2026/Q1") == nil)
        let accountAfter = try #require(await store.account(id: id))
        #expect(accountAfter.messageCount == accountBefore.messageCount - 1)
        #expect(accountAfter.usedBytes < accountBefore.usedBytes)
        try await store.deleteMailbox(accountID: id, name: "Work/Old")
        #expect(try await store.mailbox(accountID: id, name: "Work/Old/2026") != nil)

        // A recreated name is a new mailbox: new UIDVALIDITY, so old UIDs cannot be confused.
        let recreated = try await store.createMailbox(accountID: id, name: "Work/Old/2026/Q1", specialUse: nil)
        #expect(recreated.uidValidity != q1.uidValidity)
        #expect(recreated.id != q1.id)
        #expect(recreated.messageCount == 0)
    }

    /// RFC 9051 §6.3.6: renaming INBOX moves its messages to the new name and leaves INBOX empty.
    func renameInboxMovesMessages() async throws {
        let account = try await makeAccount("alice@example.test")
        let oldInbox = try await inbox(account)
        _ = try await appendOne(account, Self.content("one"))
        _ = try await appendOne(account, Self.content("two"))
        let child = try await store.createMailbox(accountID: account.id, name: "INBOX/Child", specialUse: nil)
        try await store.renameMailbox(accountID: account.id, from: "INBOX", to: "Old Mail")
        let old = try #require(await store.mailbox(accountID: account.id, name: "Old Mail"))
        #expect(old.messageCount == 2)
        #expect(try await store.messages(mailboxID: old.id).map(\.uid) == [1, 2])
        let newInbox = try await inbox(account)
        #expect(newInbox.messageCount == 0)
        #expect(try await store.messages(mailboxID: newInbox.id).isEmpty)
        #expect(newInbox.uidValidity != oldInbox.uidValidity)
        // Inferiors of INBOX are unaffected.
        #expect(try await store.mailbox(accountID: account.id, name: "INBOX/Child")?.id == child.id)
        // New mail still arrives in INBOX.
        let next = try await appendOne(account, Self.content("three"))
        #expect(next.mailboxID == newInbox.id && next.uid == 1)
        // INBOX may even move below itself, since its inferiors stay where they are.
        try await store.renameMailbox(accountID: account.id, from: "inbox", to: "INBOX/Archived")
        #expect(try await store.mailbox(accountID: account.id, name: "INBOX/Archived")?.messageCount == 1)
        #expect(try await inbox(account).messageCount == 0)
    }

    func subscriptions() async throws {
        let account = try await makeAccount("alice@example.test")
        let created = try await store.createMailbox(accountID: account.id, name: "Lists", specialUse: nil)
        #expect(!created.subscribed)
        try await store.setSubscribed(accountID: account.id, name: "Lists", subscribed: true)
        #expect(try await store.mailbox(accountID: account.id, name: "Lists")?.subscribed == true)
        try await store.setSubscribed(accountID: account.id, name: "Junk", subscribed: false)
        #expect(try await store.mailbox(accountID: account.id, name: "Junk")?.subscribed == false)
        await expectError(.notFound("")) { try await store.setSubscribed(accountID: account.id, name: "Nope", subscribed: true) }
    }
}
