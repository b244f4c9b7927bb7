// QRESYNC (RFC 7162 §3.2) end to end: SELECT (QRESYNC ...) answers exactly what changed since
// the client's MODSEQ, UID FETCH (CHANGEDSINCE n VANISHED), and VANISHED replacing EXPUNGE.

import Foundation
import IMAPServer
import MailStore
import NetworkTestSupport
import Testing

@Suite("IMAP QRESYNC", .timeLimit(.minutes(1)))
struct IMAPQResyncTests {
    /// Five messages; the client's state is recorded; then 2 is flagged, 3 expunged, 6 arrives.
    static func prepared() async throws -> (IMAPFixture, uidValidity: UInt32, modSeq: UInt64) {
        let fixture = try await IMAPFixture.make()
        for _ in 1...5 { try await fixture.deliver(condStoreSample) }
        let inbox = try #require(try await fixture.store.mailbox(accountID: fixture.alice.id, name: "INBOX"))
        _ = try await fixture.store.updateFlags(mailboxID: inbox.id, uids: [3], operation: .add, flags: ["\\Deleted"])
        let recorded = try await IMAPCondStoreTests.highestModSeq(fixture)
        _ = try await fixture.store.updateFlags(mailboxID: inbox.id, uids: [2], operation: .add, flags: ["\\Flagged"])
        _ = try await fixture.store.expunge(mailboxID: inbox.id, uids: [3])
        try await fixture.deliver(condStoreSample)
        return (fixture, inbox.uidValidity, recorded)
    }

    @Test("SELECT (QRESYNC) reports VANISHED (EARLIER) for the expunged, FETCH for the changed and new")
    func selectResync() async throws {
        let (fixture, uidValidity, recorded) = try await Self.prepared()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            #expect(try await client.command("a", "ENABLE QRESYNC").untagged == ["* ENABLED QRESYNC"])
            let select = try await client.command("b", "SELECT INBOX (QRESYNC (\(uidValidity) \(recorded) 1:5))")
            #expect(select.tagged.hasPrefix("b OK [READ-WRITE]"))
            let two = try await IMAPCondStoreTests.modSeq(fixture, uid: 2)
            let six = try await IMAPCondStoreTests.modSeq(fixture, uid: 6)
            let highest = try await IMAPCondStoreTests.highestModSeq(fixture)
            #expect(select.untagged.contains("* 5 EXISTS"))
            #expect(select.untagged.contains("* OK [HIGHESTMODSEQ \(highest)] Highest mailbox mod-sequence"))
            let resync = Array(select.untagged.drop { !$0.hasPrefix("* VANISHED") })
            #expect(resync == ["* VANISHED (EARLIER) 3",
                               "* 2 FETCH (UID 2 FLAGS (\\Flagged) MODSEQ (\(two)))",
                               "* 5 FETCH (UID 6 FLAGS () MODSEQ (\(six)))"])

            // Up to date: nothing to report. A wrong UIDVALIDITY: nothing either (§3.2.5).
            let current = try await client.command("c", "EXAMINE INBOX (QRESYNC (\(uidValidity) \(highest) 1:6))")
            #expect(current.untagged.first == "* OK [CLOSED] Previous mailbox closed")
            #expect(!current.untagged.contains { $0.contains("VANISHED") || $0.contains("FETCH") })
            let mismatch = try await client.command("d", "EXAMINE INBOX (QRESYNC (\(uidValidity &+ 1) 1))")
            #expect(!mismatch.untagged.contains { $0.contains("VANISHED") || $0.contains("FETCH") })
            // Without known UIDs: 1:<UIDNEXT-1>, so every change since MODSEQ 1.
            let all = try await client.command("e", "EXAMINE INBOX (QRESYNC (\(uidValidity) \(recorded)))")
            #expect(all.untagged.contains("* VANISHED (EARLIER) 3"))
            #expect(all.untagged.filter { $0.contains(" FETCH ") }.count == 2)
        }
    }

    @Test("UID FETCH (CHANGEDSINCE n VANISHED) sends VANISHED (EARLIER) before the FETCHes")
    func fetchVanished() async throws {
        let (fixture, _, recorded) = try await Self.prepared()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            _ = try await client.command("a", "ENABLE QRESYNC")
            _ = try await client.command("b", "SELECT INBOX")
            let fetch = try await client.command("c", "UID FETCH 1:* (FLAGS) (CHANGEDSINCE \(recorded) VANISHED)")
            #expect(fetch.isOK)
            #expect(fetch.untagged.first == "* VANISHED (EARLIER) 3")
            #expect(fetch.untagged.dropFirst().map { $0.prefix(17) } == ["* 2 FETCH (UID 2 ", "* 5 FETCH (UID 6 "])
            let narrow = try await client.command("d", "UID FETCH 4:6 (FLAGS) (CHANGEDSINCE \(recorded) VANISHED)")
            #expect(!narrow.untagged.contains { $0.hasPrefix("* VANISHED") })
            let plain = try await client.command("e", "FETCH 1:* (FLAGS) (CHANGEDSINCE \(recorded) VANISHED)")
            #expect(plain.status == "BAD")
            let alone = try await client.command("f", "UID FETCH 1:* (FLAGS) (VANISHED)")
            #expect(alone.status == "BAD")
        }
    }

    @Test("with QRESYNC, EXPUNGE, MOVE and other sessions' expunges are reported as VANISHED")
    func vanishedReplacesExpunge() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        for _ in 1...6 { try await fixture.deliver(condStoreSample) }
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            let other = try await fixture.client(port: port)
            _ = try await client.command("a", "ENABLE QRESYNC")
            _ = try await client.command("b", "SELECT INBOX")
            _ = try await client.command("c", "STORE 2,4 +FLAGS.SILENT (\\Deleted)")
            let expunge = try await client.command("d", "EXPUNGE")
            #expect(expunge.untagged == ["* VANISHED 2,4"])
            let highest = try await IMAPCondStoreTests.highestModSeq(fixture)
            #expect(expunge.tagged.hasPrefix("d OK [HIGHESTMODSEQ \(highest)] "))

            let move = try await client.command("e", "UID MOVE 5 Archive")
            #expect(move.untagged.contains("* VANISHED 5"))
            #expect(!move.untagged.contains { $0.hasSuffix(" EXPUNGE") })

            _ = try await other.command("f", "SELECT INBOX")
            _ = try await other.command("g", "UID STORE 6 +FLAGS.SILENT (\\Deleted)")
            _ = try await other.command("h", "UID EXPUNGE 6")
            var update: IMAPReply?
            for attempt in 0..<20 {
                update = try await client.command("i\(attempt)", "NOOP")
                if update?.untagged.contains(where: { $0.hasPrefix("* VANISHED") }) == true { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(update?.untagged.contains("* VANISHED 6") == true)
            #expect(update?.untagged.contains { $0.hasSuffix(" EXPUNGE") } == false)
            let left = try await client.command("j", "UID SEARCH ALL")
            #expect(left.untagged == ["* SEARCH 1 3"])

            // §3.2.8: CLOSE expunges silently and reports no HIGHESTMODSEQ; the removal is still
            // logged, so the next resync learns of it.
            let before = try await IMAPCondStoreTests.highestModSeq(fixture)
            let inbox = try #require(try await fixture.store.mailbox(accountID: fixture.alice.id, name: "INBOX"))
            _ = try await client.command("k", "UID STORE 3 +FLAGS.SILENT (\\Deleted)")
            let close = try await client.command("l", "CLOSE")
            #expect(close.untagged.isEmpty)
            #expect(close.tagged == "l OK CLOSE completed")
            let resync = try await client.command("m", "SELECT INBOX (QRESYNC (\(inbox.uidValidity) \(before) 1:6))")
            #expect(resync.untagged.contains("* VANISHED (EARLIER) 3"))
            #expect(resync.untagged.contains("* 1 EXISTS"))
        }
    }
}
