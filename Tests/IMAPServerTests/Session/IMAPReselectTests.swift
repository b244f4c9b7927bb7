// SELECT of the mailbox already selected keeps its change-hub registration instead of looking the
// mailbox up again (issue 8): what changed meanwhile, IDLE after it, and a mailbox replaced under
// the same name must all behave as a first SELECT.

import Foundation
import IMAPServer
import MailStore
import NetworkTestSupport
import Testing

private let note = """
    From: Dan <dan@example.net>\r
    To: alice@example.test\r
    Subject: Note\r
    \r
    Hello.\r

    """

@Suite("IMAP SELECT of the selected mailbox", .timeLimit(.minutes(1)))
struct IMAPReselectTests {
    @Test("a second SELECT reports what arrived meanwhile, and IDLE after it still hears deliveries")
    func reselectSeesChangesAndKeepsWatching() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.deliver(note)
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            #expect(try await client.command("a", "SELECT INBOX").untagged.contains("* 1 EXISTS"))
            try await fixture.deliver(note)
            let again = try await client.command("b", "SELECT INBOX")
            #expect(again.isOK)
            #expect(again.untagged.contains("* 2 EXISTS"))
            #expect(again.untagged.contains { $0.contains("[CLOSED]") })

            try await client.send("c IDLE\r\n")
            #expect(try await client.line().hasPrefix("+ "))
            try await fixture.deliver(note)
            #expect(try await client.line() == "* 3 EXISTS")
            try await client.send("DONE\r\n")
            #expect(try await client.reply("c").isOK)
        }
    }

    @Test("a mailbox deleted and created again under the same name is selected afresh and watched")
    func reselectAfterTheMailboxWasReplaced() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.store.createMailbox(accountID: fixture.alice.id, name: "Work", specialUse: nil)
        try await fixture.deliver(note, mailbox: "Work")
        try await fixture.deliver(note, mailbox: "Work")
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            let other = try await fixture.client(port: port)
            let first = try await client.command("a", "SELECT Work")
            #expect(first.untagged.contains("* 2 EXISTS"))
            #expect(try await other.command("b", "DELETE Work").isOK)
            #expect(try await other.command("c", "CREATE Work").isOK)
            try await fixture.deliver(note, mailbox: "Work")

            let second = try await client.command("d", "SELECT Work")
            #expect(second.isOK)
            #expect(second.untagged.contains("* 1 EXISTS"))
            let validity = { (reply: IMAPReply) in reply.untagged.first { $0.contains("[UIDVALIDITY ") } }
            #expect(validity(first) != nil)
            #expect(validity(first) != validity(second))

            try await client.send("e IDLE\r\n")
            #expect(try await client.line().hasPrefix("+ "))
            try await fixture.deliver(note, mailbox: "Work")
            #expect(try await client.line() == "* 2 EXISTS")
            try await client.send("DONE\r\n")
            #expect(try await client.reply("e").isOK)
        }
    }

    @Test("a second SELECT of a mailbox deleted meanwhile fails and leaves nothing selected")
    func reselectAfterTheMailboxWasDeleted() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.store.createMailbox(accountID: fixture.alice.id, name: "Work", specialUse: nil)
        try await fixture.deliver(note, mailbox: "Work")
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            let other = try await fixture.client(port: port)
            #expect(try await client.command("a", "SELECT Work").isOK)
            #expect(try await other.command("b", "DELETE Work").isOK)
            let again = try await client.command("c", "SELECT Work")
            #expect(again.status == "NO")
            #expect(again.tagged.contains("[NONEXISTENT]"))
            #expect(try await client.command("d", "FETCH 1 UID").status == "BAD")
        }
    }
}
