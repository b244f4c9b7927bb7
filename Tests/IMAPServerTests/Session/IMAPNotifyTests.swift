// NOTIFY (RFC 5465) end to end: two sessions on a real server, deliveries through the store.

import Foundation
import IMAPServer
import MailStore
import NetworkTestSupport
import Testing

private let note = "From: carol@example.net\r\nTo: alice@example.test\r\nSubject: hi\r\n\r\nHello.\r\n"

@Suite("IMAP NOTIFY end to end", .timeLimit(.minutes(1)))
struct IMAPNotifyTests {
    /// The brief's watch list, with MessageExpunge added to the second group: RFC 5465 §5 makes
    /// MessageNew without MessageExpunge a BAD.
    static let watch = "NOTIFY SET (INBOXES (MessageNew MessageExpunge)) (PERSONAL (MessageNew MessageExpunge))"

    @Test("CAPABILITY announces NOTIFY")
    func capability() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            let reply = try await client.command("a", "CAPABILITY")
            #expect(reply.untagged.first?.split(separator: " ").contains("NOTIFY") == true)
        }
    }

    @Test("a delivery into another folder arrives as STATUS between commands, without polling")
    func statusWhileNotIdle() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            let watcher = try await fixture.client(port: port)
            _ = try await watcher.command("s", "SELECT INBOX")
            let set = try await watcher.command("a", Self.watch)
            #expect(set.isOK)
            #expect(set.lines(starting: "* STATUS").isEmpty)   // no STATUS indicator

            try await fixture.deliver(note, mailbox: "Archive")
            let clock = ContinuousClock.now
            let status = try await watcher.line()
            #expect(status.hasPrefix("* STATUS \"Archive\" (MESSAGES 1 UIDNEXT 2 UIDVALIDITY "), "\(status)")
            #expect(status.hasSuffix(" UNSEEN 1)"), "\(status)")
            // Pushed, not polled: any bound proves it; 5 s leaves room for a loaded CI machine.
            #expect(ContinuousClock.now - clock < .seconds(5))

            // The selected mailbox is SELECTED's business only (§3.1): no STATUS for INBOX.
            try await fixture.deliver(note, mailbox: "INBOX")
            let noop = try await watcher.command("b", "NOOP")
            #expect(noop.untagged == ["* 1 EXISTS"])
        }
    }

    @Test("during IDLE: STATUS for other folders, EXISTS and FETCH for the selected one with SELECTED")
    func statusWhileIdle() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            let watcher = try await fixture.client(port: port)
            _ = try await watcher.command("s", "SELECT INBOX")
            let set = try await watcher.command("a", "NOTIFY SET (SELECTED (MessageNew (UID FLAGS) MessageExpunge)) (PERSONAL (MessageNew MessageExpunge))")
            #expect(set.isOK)
            try await watcher.send("b IDLE\r\n")
            #expect(try await watcher.line().hasPrefix("+ "))

            try await fixture.deliver(note, mailbox: "Junk")
            #expect(try await watcher.line().hasPrefix("* STATUS \"Junk\" (MESSAGES 1 UIDNEXT 2 "))
            try await fixture.deliver(note, mailbox: "INBOX")
            #expect(try await watcher.line() == "* 1 EXISTS")
            // RFC 5465 §5.2: the attributes MessageNew asked for follow.
            #expect(try await watcher.line() == "* 1 FETCH (UID 1 FLAGS ())")

            try await watcher.send("DONE\r\n")
            #expect(try await watcher.reply("b").isOK)
        }
    }

    @Test("NOTIFY SET STATUS reports every watched mailbox but the selected one")
    func initialStatus() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.deliver(note, mailbox: "Sent")
        try await fixture.withServer { _, port in
            let watcher = try await fixture.client(port: port)
            _ = try await watcher.command("s", "SELECT INBOX")
            let set = try await watcher.command("a", "NOTIFY SET STATUS (MAILBOXES (Sent Trash INBOX nosuch) (MessageNew MessageExpunge))")
            #expect(set.isOK)
            let statuses = set.lines(starting: "* STATUS")
            #expect(statuses.count == 2, "\(statuses)")
            #expect(statuses.first?.hasPrefix("* STATUS \"Sent\" (MESSAGES 1 UIDNEXT 2 ") == true)
            #expect(statuses.last?.hasPrefix("* STATUS \"Trash\" (MESSAGES 0 UIDNEXT 1 ") == true)
        }
    }

    @Test("MailboxName: another session's CREATE, RENAME and DELETE arrive as LIST; one's own do not")
    func mailboxName() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            let watcher = try await fixture.client(port: port)
            let other = try await fixture.client(port: port)
            #expect(try await watcher.command("a", "NOTIFY SET (PERSONAL (MailboxName SubscriptionChange))").isOK)

            #expect(try await other.command("b", "CREATE Projects").isOK)
            #expect(try await watcher.line() == "* LIST (\\HasNoChildren) \"/\" \"Projects\"")
            #expect(try await other.command("c", "RENAME Projects Plans").isOK)
            #expect(try await watcher.line() == "* LIST (\\HasNoChildren) \"/\" \"Plans\" (\"OLDNAME\" (\"Projects\"))")
            #expect(try await other.command("d", "DELETE Plans").isOK)
            #expect(try await watcher.line() == "* LIST (\\NonExistent) \"/\" \"Plans\"")
            #expect(try await other.command("e", "UNSUBSCRIBE Archive").isOK)
            #expect(try await watcher.line() == "* LIST (\\HasNoChildren) \"/\" \"Archive\"")

            // RFC 5465 §5: the session's own changes are not echoed back.
            let own = try await watcher.command("f", "CREATE Mine")
            #expect(own.untagged.isEmpty, "\(own.untagged)")
            let noop = try await watcher.command("g", "NOOP")
            #expect(noop.untagged.isEmpty, "\(noop.untagged)")
        }
    }

    @Test("NOTIFY NONE stops notifications")
    func none() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            let watcher = try await fixture.client(port: port)
            #expect(try await watcher.command("a", Self.watch).isOK)
            #expect(try await watcher.command("b", "NOTIFY NONE").isOK)
            try await fixture.deliver(note, mailbox: "Archive")
            try await Task.sleep(for: .milliseconds(200))
            // Had a STATUS been sent, it would come before the NOOP's completion.
            let noop = try await watcher.command("c", "NOOP")
            #expect(noop.untagged.isEmpty, "\(noop.untagged)")
        }
    }

    @Test("more notifications than the bound switch NOTIFY off with NOTIFICATIONOVERFLOW")
    func overflow() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        var configuration = fixture.configuration()
        configuration.maxPendingNotifications = 2
        try await fixture.withServer(configuration) { _, port in
            let watcher = try await fixture.client(port: port)
            #expect(try await watcher.command("a", Self.watch).isOK)
            // One transaction, three mailboxes: the first wake-up sees three changes.
            let requests = ["Archive", "Junk", "Sent"].map { name in
                let prepared = MessagePreparer.prepare(Array(note.utf8))
                return AppendRequest(accountID: fixture.alice.id, mailbox: .name(name), prefix: [],
                                     content: prepared.content, flags: [], metadata: prepared.metadata,
                                     searchFields: prepared.searchFields)
            }
            _ = try await fixture.store.append(requests)
            let line = try await watcher.line()
            #expect(line.hasPrefix("* OK [NOTIFICATIONOVERFLOW]"), "\(line)")
            // As after NOTIFY NONE (§5.8): nothing more comes.
            try await fixture.deliver(note, mailbox: "Trash")
            try await Task.sleep(for: .milliseconds(200))
            let noop = try await watcher.command("b", "NOOP")
            #expect(noop.untagged.isEmpty, "\(noop.untagged)")
        }
    }

    @Test("no notification crosses accounts")
    func crossAccount() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            let watcher = try await fixture.client(port: port)
            #expect(try await watcher.command("a", "NOTIFY SET (PERSONAL (MessageNew MessageExpunge MailboxName))").isOK)
            let bob = try await fixture.client(port: port, as: IMAPFixture.bob)
            #expect(try await bob.command("b", "CREATE BobOnly").isOK)
            try await fixture.deliver(note, to: fixture.bob, mailbox: "Drafts")
            try await fixture.deliver(note, mailbox: "Archive")
            // Bob's changes came first: had they leaked, they would be read first.
            #expect(try await watcher.line().hasPrefix("* STATUS \"Archive\" "))
            let noop = try await watcher.command("c", "NOOP")
            #expect(noop.untagged.isEmpty, "\(noop.untagged)")
        }
    }

    @Test("unsupported events get NO [BADEVENT] listing the supported ones; rule violations get BAD")
    func badEvent() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            let metadata = try await client.command("a", "NOTIFY SET (PERSONAL (MailboxMetadataChange))")
            #expect(metadata.tagged.hasPrefix("a NO [BADEVENT (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange)]"))
            let annotation = try await client.command("b", "NOTIFY SET (SELECTED (MessageNew MessageExpunge AnnotationChange))")
            #expect(annotation.tagged.hasPrefix("b NO [BADEVENT "))
            let alone = try await client.command("c", "NOTIFY SET (PERSONAL (MessageNew))")
            #expect(alone.status == "BAD")
            let early = try await IMAPTestClient.connect(port: port)
            _ = try await early.line()
            #expect(try await early.command("d", "NOTIFY NONE").status == "BAD")
        }
    }
}
