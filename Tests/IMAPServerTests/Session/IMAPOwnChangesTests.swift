// Two sessions on one mailbox interleaving STORE, APPEND and EXPUNGE: each sees its own changes
// once (in its command's answer) and every change of the other exactly once, whether or not it
// reads its own changes back from the store (issue 8). RFC 9051 §5.2, §7.5.2; RFC 7162 §3.1.4,
// §3.2.10 with MODSEQ and VANISHED.

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

@Suite("IMAP sessions' own changes and each other's", .timeLimit(.minutes(1)))
struct IMAPOwnChangesTests {
    /// One step of the transcript: who sends what, and the untagged lines expected, in order.
    struct Step {
        let session: Int
        let command: String
        let untagged: [String]
        var taggedContains: String = " OK"
        /// How often the session read the store to catch up: only when another session's change
        /// is among those announced. Its own STORE/APPEND/EXPUNGE are never read back (issue 8).
        var storeReads = 0
    }

    // The change hub learns of a commit shortly after it: each step waits for it, so what a
    // session reports is decided by the protocol, not by timing.
    static let settle = Duration.milliseconds(120)

    @Test("two sessions interleaving STORE, APPEND and EXPUNGE see each change exactly once",
          arguments: [false, true])
    func interleaving(qresync: Bool) async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        for _ in 1...3 { try await fixture.deliver(note) }
        let base = try await IMAPCondStoreTests.highestModSeq(fixture)
        // The items of a FETCH: plain, or with UID and MODSEQ once QRESYNC is enabled (§3.2.4, §3.1).
        func fetch(_ number: Int, uid: Int, flags: String?, modSeq: UInt64, own: Bool) -> String {
            var items: [String] = []
            if qresync || !own { items.append("UID \(uid)") }
            if let flags { items.append("FLAGS (\(flags))") }
            if qresync { items.append("MODSEQ (\(base + modSeq))") }
            return "* \(number) FETCH (\(items.joined(separator: " ")))"
        }
        func expunge(_ number: Int, uid: Int) -> String {
            qresync ? "* VANISHED \(uid)" : "* \(number) EXPUNGE"
        }
        let steps: [Step] = [
            Step(session: 0, command: "STORE 1 +FLAGS (\\Seen)",
                 untagged: [fetch(1, uid: 1, flags: "\\Seen", modSeq: 1, own: true)]),
            Step(session: 1, command: "NOOP", untagged: [fetch(1, uid: 1, flags: "\\Seen", modSeq: 1, own: false)],
                 storeReads: 1),
            Step(session: 1, command: "APPEND", untagged: ["* 4 EXISTS"]),
            Step(session: 0, command: "STORE 2 +FLAGS (\\Flagged)",
                 untagged: [fetch(2, uid: 2, flags: "\\Flagged", modSeq: 3, own: true), "* 4 EXISTS"], storeReads: 1),
            Step(session: 0, command: "APPEND", untagged: ["* 5 EXISTS"]),
            Step(session: 0, command: "NOOP", untagged: []),
            Step(session: 1, command: "NOOP",
                 untagged: ["* 5 EXISTS", fetch(2, uid: 2, flags: "\\Flagged", modSeq: 3, own: false)], storeReads: 1),
            Step(session: 1, command: "UID STORE 5 +FLAGS.SILENT (\\Deleted)",
                 untagged: qresync ? [fetch(5, uid: 5, flags: nil, modSeq: 5, own: true)] : []),
            Step(session: 1, command: "EXPUNGE", untagged: [expunge(5, uid: 5)],
                 taggedContains: qresync ? "[HIGHESTMODSEQ \(base + 6)]" : " OK"),
            Step(session: 0, command: "NOOP", untagged: [expunge(5, uid: 5)], storeReads: 1),
            // The other session's change comes first: the own STORE cannot stand for it.
            Step(session: 1, command: "STORE 1 -FLAGS (\\Seen)",
                 untagged: [fetch(1, uid: 1, flags: "", modSeq: 7, own: true)]),
            Step(session: 0, command: "STORE 3 +FLAGS (\\Answered)",
                 untagged: [fetch(3, uid: 3, flags: "\\Answered", modSeq: 8, own: true),
                            fetch(1, uid: 1, flags: "", modSeq: 7, own: false)], storeReads: 1),
            Step(session: 0, command: "NOOP", untagged: []),
            // A STORE that changes nothing bumps nothing and announces nothing to the other.
            Step(session: 0, command: "STORE 3 +FLAGS (\\Answered)",
                 untagged: [fetch(3, uid: 3, flags: "\\Answered", modSeq: 8, own: true)]),
            Step(session: 1, command: "NOOP", untagged: [fetch(3, uid: 3, flags: "\\Answered", modSeq: 8, own: false)],
                 storeReads: 1),
            Step(session: 0, command: "UID STORE 4 +FLAGS.SILENT (\\Deleted)",
                 untagged: qresync ? [fetch(4, uid: 4, flags: nil, modSeq: 9, own: true)] : []),
            Step(session: 0, command: "EXPUNGE", untagged: [expunge(4, uid: 4)],
                 taggedContains: qresync ? "[HIGHESTMODSEQ \(base + 10)]" : " OK"),
            Step(session: 0, command: "NOOP", untagged: []),
            Step(session: 1, command: "NOOP", untagged: [expunge(4, uid: 4)], storeReads: 1),
            Step(session: 1, command: "FETCH 1:* (UID)",
                 untagged: ["* 1 FETCH (UID 1)", "* 2 FETCH (UID 2)", "* 3 FETCH (UID 3)"]),
        ]
        let metrics = CountingMetricsFactory()
        try await fixture.withServer(metrics: metrics) { _, port in
            let sessions = [try await fixture.client(port: port), try await fixture.client(port: port)]
            for session in sessions {
                if qresync { #expect(try await session.command("e", "ENABLE QRESYNC").isOK) }
                #expect(try await session.command("s", "SELECT INBOX").isOK)
            }
            let message = "Subject: mine\r\n\r\nhello\r\n"
            for (index, step) in steps.enumerated() {
                try await Task.sleep(for: Self.settle)
                let client = sessions[step.session]
                let tag = "t\(index)"
                let reply: IMAPReply
                let readsBefore = metrics.catchUpsFromStore
                if step.command == "APPEND" {
                    try await client.send("\(tag) APPEND INBOX {\(message.utf8.count)+}\r\n\(message)\r\n")
                    reply = try await client.reply(tag)
                } else {
                    reply = try await client.command(tag, step.command)
                }
                #expect(reply.untagged == step.untagged, "step \(index) \(step.command)")
                #expect(reply.tagged.contains(step.taggedContains), "step \(index): \(reply.tagged)")
                #expect(metrics.catchUpsFromStore - readsBefore == Int64(step.storeReads), "step \(index) \(step.command)")
            }
        }
    }

    @Test("a session's own changes made in a burst are not echoed back, another's still arrive")
    func burstOfOwnChanges() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        for _ in 1...5 { try await fixture.deliver(note) }
        let metrics = CountingMetricsFactory()
        try await fixture.withServer(metrics: metrics) { _, port in
            let client = try await fixture.client(port: port)
            _ = try await client.command("s", "SELECT INBOX")
            let readsBefore = metrics.catchUpsFromStore
            for number in 1...5 {
                let reply = try await client.command("a\(number)", "STORE \(number) +FLAGS (\\Seen)")
                #expect(reply.untagged == ["* \(number) FETCH (FLAGS (\\Seen))"])
            }
            try await Task.sleep(for: Self.settle)
            #expect(try await client.command("n", "NOOP").untagged == [])
            // The point of the ledger: none of the five changes was read back from the store.
            #expect(metrics.catchUpsFromStore == readsBefore)
            #expect(metrics.catchUpsFromOwnChanges >= 1)
            // A delivery the hub announces after the burst is reported once, read from the store.
            try await fixture.deliver(note)
            try await Task.sleep(for: Self.settle)
            #expect(try await client.command("m", "NOOP").untagged == ["* 6 EXISTS"])
            #expect(metrics.catchUpsFromStore == readsBefore + 1)
            #expect(try await client.command("o", "NOOP").untagged == [])
            #expect(metrics.catchUpsFromStore == readsBefore + 1)
        }
    }
}
