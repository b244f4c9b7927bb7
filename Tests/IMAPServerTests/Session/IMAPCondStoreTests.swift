// CONDSTORE (RFC 7162 §3.1) end to end: enabling, HIGHESTMODSEQ, MODSEQ in FETCH, CHANGEDSINCE,
// STORE UNCHANGEDSINCE with MODIFIED, SEARCH MODSEQ.

import Foundation
import IMAPServer
import MailStore
import NetworkTestSupport
import Testing

let condStoreSample = """
    From: Carol <carol@example.net>\r
    To: alice@example.test\r
    Subject: Sync me\r
    \r
    Body.\r

    """

@Suite("IMAP CONDSTORE", .timeLimit(.minutes(1)))
struct IMAPCondStoreTests {
    static func highestModSeq(_ fixture: IMAPFixture, _ mailbox: String = "INBOX") async throws -> UInt64 {
        try #require(try await fixture.store.mailbox(accountID: fixture.alice.id, name: mailbox)).highestModSeq
    }

    static func modSeq(_ fixture: IMAPFixture, uid: UInt32) async throws -> UInt64 {
        let inbox = try #require(try await fixture.store.mailbox(accountID: fixture.alice.id, name: "INBOX"))
        return try #require(try await fixture.store.message(mailboxID: inbox.id, uid: uid)).modSeq
    }

    @Test("CAPABILITY announces CONDSTORE and QRESYNC; ENABLE lists what it newly enabled")
    func capabilityAndEnable() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            let capability = try await client.command("a", "CAPABILITY")
            #expect(capability.untagged.first?.contains(" CONDSTORE") == true)
            #expect(capability.untagged.first?.contains(" QRESYNC") == true)
            let plain = try await client.command("b", "SELECT INBOX")
            #expect(!plain.untagged.contains { $0.contains("HIGHESTMODSEQ") })
            _ = try await client.command("c", "UNSELECT")
            let enable = try await client.command("d", "ENABLE QRESYNC CONDSTORE")
            #expect(enable.untagged == ["* ENABLED CONDSTORE QRESYNC"])
            let again = try await client.command("e", "ENABLE CONDSTORE")
            #expect(again.untagged == ["* ENABLED"])
            let highest = try await Self.highestModSeq(fixture)
            let select = try await client.command("f", "EXAMINE INBOX")
            #expect(select.untagged.contains("* OK [HIGHESTMODSEQ \(highest)] Highest mailbox mod-sequence"))
            // RFC 7162 §3.2.11: selecting another mailbox closes this one first, with CLOSED.
            let other = try await client.command("g", "SELECT Archive")
            #expect(other.untagged.first == "* OK [CLOSED] Previous mailbox closed")
            #expect(other.untagged.contains { $0.hasPrefix("* OK [HIGHESTMODSEQ ") })
        }
    }

    @Test("SELECT (CONDSTORE) reports HIGHESTMODSEQ; QRESYNC and VANISHED need ENABLE QRESYNC")
    func selectParameters() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.deliver(condStoreSample)
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            let qresync = try await client.command("a", "SELECT INBOX (QRESYNC (1 1))")
            #expect(qresync.status == "BAD")
            let select = try await client.command("b", "SELECT INBOX (CONDSTORE)")
            #expect(select.isOK)
            let highest = try await Self.highestModSeq(fixture)
            #expect(select.untagged.contains("* OK [HIGHESTMODSEQ \(highest)] Highest mailbox mod-sequence"))
            let vanished = try await client.command("c", "UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)")
            #expect(vanished.status == "BAD")
            let fetch = try await client.command("d", "FETCH 1 (FLAGS)")
            #expect(fetch.untagged == ["* 1 FETCH (FLAGS ())"])
        }
    }

    @Test("the first FETCH MODSEQ enables CONDSTORE: HIGHESTMODSEQ, then MODSEQ in every update")
    func implicitEnable() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.deliver(condStoreSample)
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            let other = try await fixture.client(port: port)
            _ = try await client.command("a", "SELECT INBOX")
            let highest = try await Self.highestModSeq(fixture)
            let fetch = try await client.command("b", "FETCH 1 (MODSEQ)")
            #expect(fetch.untagged == ["* OK [HIGHESTMODSEQ \(highest)] Highest mailbox mod-sequence",
                                       "* 1 FETCH (MODSEQ (\(try await Self.modSeq(fixture, uid: 1))))"])
            let second = try await client.command("c", "FETCH 1 (MODSEQ)")
            #expect(second.untagged.count == 1)

            _ = try await other.command("d", "SELECT INBOX")
            _ = try await other.command("e", "STORE 1 +FLAGS.SILENT (\\Flagged)")
            let changed = try await Self.modSeq(fixture, uid: 1)
            var update: IMAPReply?
            for attempt in 0..<20 {
                update = try await client.command("f\(attempt)", "NOOP")
                if update?.untagged.isEmpty == false { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(update?.untagged == ["* 1 FETCH (UID 1 FLAGS (\\Flagged) MODSEQ (\(changed)))"])
            // Its own STORE .SILENT still reports the new MODSEQ (§3.1.3, §3.1.4.2 Example 14).
            let silent = try await client.command("g", "STORE 1 -FLAGS.SILENT (\\Flagged)")
            #expect(silent.untagged == ["* 1 FETCH (MODSEQ (\(try await Self.modSeq(fixture, uid: 1))))"])
        }
    }

    @Test("FETCH (CHANGEDSINCE n) returns only what changed after n, with MODSEQ")
    func changedSince() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        for _ in 1...4 { try await fixture.deliver(condStoreSample) }
        let baseline = try await Self.highestModSeq(fixture)
        let inbox = try #require(try await fixture.store.mailbox(accountID: fixture.alice.id, name: "INBOX"))
        _ = try await fixture.store.updateFlags(mailboxID: inbox.id, uids: [2, 4], operation: .add, flags: ["\\Answered"])
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            _ = try await client.command("a", "SELECT INBOX")
            let fetch = try await client.command("b", "UID FETCH 1:* (FLAGS) (CHANGEDSINCE \(baseline))")
            #expect(fetch.isOK)
            let two = try await Self.modSeq(fixture, uid: 2), four = try await Self.modSeq(fixture, uid: 4)
            #expect(fetch.lines(starting: "* 2 FETCH") == ["* 2 FETCH (UID 2 FLAGS (\\Answered) MODSEQ (\(two)))"])
            #expect(fetch.lines(starting: "* 4 FETCH") == ["* 4 FETCH (UID 4 FLAGS (\\Answered) MODSEQ (\(four)))"])
            #expect(fetch.untagged.filter { $0.contains(" FETCH ") }.count == 2)
            let none = try await client.command("c", "FETCH 1:* (FLAGS) (CHANGEDSINCE \(four))")
            #expect(none.untagged.isEmpty)
        }
    }

    @Test("STORE (UNCHANGEDSINCE n) skips what changed after n and reports it in MODIFIED")
    func unchangedSince() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        for _ in 1...3 { try await fixture.deliver(condStoreSample) }
        let baseline = try await Self.highestModSeq(fixture)
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            let other = try await fixture.client(port: port)
            _ = try await client.command("a", "SELECT INBOX (CONDSTORE)")
            _ = try await other.command("b", "SELECT INBOX")
            _ = try await other.command("c", "STORE 2 +FLAGS.SILENT (\\Flagged)")
            let flagged = try await Self.modSeq(fixture, uid: 2)

            let store = try await client.command("d", "STORE 1:3 (UNCHANGEDSINCE \(baseline)) +FLAGS.SILENT (\\Seen)")
            #expect(store.tagged.hasPrefix("d OK [MODIFIED 2] "))
            let one = try await Self.modSeq(fixture, uid: 1), three = try await Self.modSeq(fixture, uid: 3)
            #expect(store.lines(starting: "* 1 FETCH") == ["* 1 FETCH (MODSEQ (\(one)))"])
            #expect(store.lines(starting: "* 2 FETCH") == ["* 2 FETCH (FLAGS (\\Flagged) MODSEQ (\(flagged)))"])
            #expect(store.lines(starting: "* 3 FETCH") == ["* 3 FETCH (MODSEQ (\(three)))"])
            let flags = try await client.command("e", "FETCH 1:3 (FLAGS)")
            #expect(flags.lines(starting: "* 2 FETCH") == ["* 2 FETCH (FLAGS (\\Flagged))"])

            // UID STORE lists UIDs; UNCHANGEDSINCE 0 always fails (§3.1.3 Example 8).
            let zero = try await client.command("f", "UID STORE 1,3 (UNCHANGEDSINCE 0) +FLAGS ($MDNSent)")
            #expect(zero.tagged.hasPrefix("f OK [MODIFIED 1,3] "))
            let retry = try await client.command("g", "UID STORE 2 (UNCHANGEDSINCE \(flagged)) +FLAGS (\\Seen)")
            #expect(retry.tagged.hasPrefix("g OK STORE"))
            let retried = try await Self.modSeq(fixture, uid: 2)
            #expect(retry.untagged == ["* 2 FETCH (UID 2 FLAGS (\\Flagged \\Seen) MODSEQ (\(retried)))"])
        }
    }

    @Test("SEARCH MODSEQ adds the highest MODSEQ of the matches, in SEARCH and ESEARCH")
    func searchModSeq() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        for _ in 1...3 { try await fixture.deliver(condStoreSample) }
        let baseline = try await Self.highestModSeq(fixture)
        let inbox = try #require(try await fixture.store.mailbox(accountID: fixture.alice.id, name: "INBOX"))
        _ = try await fixture.store.updateFlags(mailboxID: inbox.id, uids: [2], operation: .add, flags: ["\\Seen"])
        let two = try await Self.modSeq(fixture, uid: 2)
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            _ = try await client.command("a", "SELECT INBOX")
            let search = try await client.command("b", "SEARCH MODSEQ \(baseline + 1)")
            #expect(search.untagged.contains("* SEARCH 2 (MODSEQ \(two))"))
            #expect(search.untagged.first?.hasPrefix("* OK [HIGHESTMODSEQ ") == true)
            let esearch = try await client.command("c", "UID SEARCH RETURN (ALL) MODSEQ \(baseline + 1)")
            #expect(esearch.untagged == ["* ESEARCH (TAG \"c\") UID ALL 2 MODSEQ \(two)"])
            let empty = try await client.command("d", "SEARCH MODSEQ \(two + 1)")
            #expect(empty.untagged == ["* SEARCH"])
            let status = try await client.command("e", "STATUS INBOX (HIGHESTMODSEQ)")
            #expect(status.untagged == ["* STATUS \"INBOX\" (HIGHESTMODSEQ \(try await Self.highestModSeq(fixture)))"])
        }
    }
}
