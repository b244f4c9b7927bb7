// SORT, THREAD and QUOTA end to end: a real server, a real SQLite store, messages delivered the
// way delivery stores them (summary computed once), a line client as C:/S: transcripts.

import Foundation
import IMAPServer
import MailStore
import NetworkTestSupport
import Testing

private func mail(_ subject: String, from: String, date: String?, id: String, inReplyTo: String? = nil,
                  references: String? = nil, body: String = "Hello.") -> String {
    var header = "From: \(from)\r\nTo: team@example.test\r\nSubject: \(subject)\r\nMessage-ID: <\(id)>\r\n"
    if let date { header += "Date: \(date)\r\n" }
    if let inReplyTo { header += "In-Reply-To: <\(inReplyTo)>\r\n" }
    if let references { header += "References: \(references)\r\n" }
    return header + "\r\n" + body + "\r\n"
}

@Suite("IMAP SORT, THREAD and QUOTA", .timeLimit(.minutes(1)))
struct IMAPSortThreadQuotaTests {
    /// 1: original, 2: reply by In-Reply-To, 3: unrelated (no Date: sorts by arrival), 4: reply by
    /// References to 2, 5: "Fwd:" of 1's subject without references.
    static func deliverThread(_ fixture: IMAPFixture) async throws {
        try await fixture.deliver(mail("Plans", from: "Zoe <zoe@example.net>", date: "Mon, 2 Mar 2026 10:00:00 +0000", id: "1@x"))
        try await fixture.deliver(mail("Re: Plans", from: "adam@example.net", date: "Mon, 2 Mar 2026 09:30:00 -0100",
                                       id: "2@x", inReplyTo: "1@x", body: String(repeating: "long ", count: 50)))
        try await fixture.deliver(mail("Budget", from: "\"Bob\" <bob@example.net>", date: nil, id: "3@x"))
        try await fixture.deliver(mail("Re: Plans", from: "carol@example.net", date: "Mon, 2 Mar 2026 12:00:00 +0000",
                                       id: "4@x", references: "<1@x> <2@x>"))
        try await fixture.deliver(mail("[fwd: Plans]", from: "dave@example.net", date: "Tue, 3 Mar 2026 08:00:00 +0000", id: "5@x"))
    }

    @Test("CAPABILITY announces SORT, SORT=DISPLAY, both THREAD algorithms and QUOTA")
    func capabilities() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            let line = try await client.command("a", "CAPABILITY").untagged.first ?? ""
            for name in ["SORT", "SORT=DISPLAY", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES", "QUOTA",
                         "QUOTA=RES-STORAGE", "QUOTA=RES-MESSAGE"] {
                #expect(line.contains(" \(name)"), "\(name)")
            }
            #expect(!line.contains("QUOTASET"))
        }
    }

    @Test("SORT by each key, REVERSE, UID SORT and a search program")
    func sort() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await Self.deliverThread(fixture)
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            #expect(try await client.command("s", "SELECT INBOX").isOK)
            // Message 3 has no Date: it sorts by its INTERNALDATE, the latest (RFC 5256 §2.2).
            for (program, expected) in [
                ("(DATE) UTF-8 ALL", "* SORT 1 2 4 5 3"),           // 2 is 10:30 UTC, after 1
                ("(REVERSE DATE) UTF-8 ALL", "* SORT 3 5 4 2 1"),
                ("(ARRIVAL) US-ASCII ALL", "* SORT 1 2 3 4 5"),
                ("(SUBJECT DATE) UTF-8 ALL", "* SORT 3 1 2 4 5"),
                ("(FROM) UTF-8 ALL", "* SORT 2 3 4 5 1"),
                ("(DISPLAYFROM) UTF-8 ALL", "* SORT 2 3 4 5 1"),   // adam@, Bob, carol@, dave@, Zoe
                ("(SIZE) UTF-8 ALL", "* SORT 3 1 5 4 2"),
                ("(TO SUBJECT) UTF-8 ALL", "* SORT 3 1 2 4 5"),
                ("(SUBJECT) UTF-8 FROM carol", "* SORT 4"),
                ("(SUBJECT) UTF-8 SUBJECT nothing-like-this", "* SORT"),
            ] {
                let reply = try await client.command("t", "SORT \(program)")
                #expect(reply.isOK, "\(program)")
                #expect(reply.untagged == [expected], "\(program)")
            }
            let uid = try await client.command("u", "UID SORT (REVERSE DATE) UTF-8 1:3")
            #expect(uid.untagged == ["* SORT 3 2 1"])
            let charset = try await client.command("c", "SORT (DATE) KOI8-R ALL")
            #expect(charset.tagged.hasPrefix("c NO [BADCHARSET"))
        }
    }

    /// Issue 8: a repeated SORT ... ALL answers from the session's cache, which must follow every
    /// EXPUNGE and new message the session takes in (sequence numbers and UIDs alike). The
    /// cache's counters tell a hit from a sort over the store: the answers alone would be the
    /// same without any cache.
    @Test("repeated SORT follows expunges and copies made by another session")
    func sortCacheFollowsChanges() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await Self.deliverThread(fixture)
        let metrics = CountingMetricsFactory()
        try await fixture.withServer(metrics: metrics) { _, port in
            let reader = try await fixture.client(port: port)
            let writer = try await fixture.client(port: port)
            #expect(try await reader.command("s", "SELECT INBOX").isOK)
            #expect(try await writer.command("s", "SELECT INBOX").isOK)
            func sort(_ command: String, _ expected: String, hit: Bool) async throws {
                let (hits, misses) = (metrics.sortCacheHits, metrics.sortCacheMisses)
                #expect(try await reader.command("t", command).untagged == [expected], "\(command)")
                #expect(metrics.sortCacheHits == hits + (hit ? 1 : 0), "\(command): cache hit expected: \(hit)")
                #expect(metrics.sortCacheMisses == misses + (hit ? 0 : 1), "\(command): cache hit expected: \(hit)")
            }
            // The first sort reads the store; both numberings of it are then kept.
            try await sort("SORT (DATE) UTF-8 ALL", "* SORT 1 2 4 5 3", hit: false)
            try await sort("UID SORT (DATE) UTF-8 ALL", "* SORT 1 2 4 5 3", hit: true)
            try await sort("SORT (DATE) UTF-8 ALL", "* SORT 1 2 4 5 3", hit: true)
            try await sort("UID SORT (DATE) UTF-8 ALL", "* SORT 1 2 4 5 3", hit: true)
            #expect(try await writer.command("d", "STORE 1 +FLAGS.SILENT (\\Deleted)").isOK)
            #expect(try await writer.command("e", "EXPUNGE").isOK)
            #expect(try await reader.command("n", "NOOP").untagged.contains("* 1 EXPUNGE"))
            try await sort("SORT (DATE) UTF-8 ALL", "* SORT 1 3 4 2", hit: false)
            try await sort("UID SORT (DATE) UTF-8 ALL", "* SORT 2 4 5 3", hit: true)
            // The copy of UID 2 (same Date) becomes UID 6, sequence number 5: ties go by number.
            #expect(try await writer.command("c", "UID COPY 2 INBOX").isOK)
            #expect(try await reader.command("n", "NOOP").untagged.contains("* 5 EXISTS"))
            try await sort("SORT (DATE) UTF-8 ALL", "* SORT 1 5 3 4 2", hit: false)
            try await sort("UID SORT (DATE) UTF-8 ALL", "* SORT 2 6 4 5 3", hit: true)
            try await sort("SORT (REVERSE DATE) UTF-8 ALL", "* SORT 2 4 3 1 5", hit: false)
            try await sort("SORT (DATE) UTF-8 ALL", "* SORT 1 5 3 4 2", hit: true)
        }
    }

    /// Issue 8: rows stored without a summary (a raw import) have no stored sort keys; SORT and
    /// THREAD parse them and order them among the others exactly as if they had.
    @Test("SORT and THREAD over rows stored without a summary")
    func sortWithoutSummaries() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.deliver(mail("Plans", from: "Zoe <zoe@example.net>", date: "Mon, 2 Mar 2026 10:00:00 +0000", id: "1@x"))
        let raw = mail("Re: Apples", from: "adam@example.net", date: "Sun, 1 Mar 2026 10:00:00 +0000", id: "2@x",
                       inReplyTo: "1@x")
        let inbox = try #require(try await fixture.store.mailbox(accountID: fixture.alice.id, name: "INBOX"))
        _ = try await fixture.store.append([AppendRequest(accountID: fixture.alice.id, mailbox: .id(inbox.id),
                                                          content: MessageContent(bytes: Array(raw.utf8)))])
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            #expect(try await client.command("s", "SELECT INBOX").isOK)
            for (command, expected) in [
                ("SORT (SUBJECT) UTF-8 ALL", "* SORT 2 1"),
                ("SORT (DATE) UTF-8 ALL", "* SORT 2 1"),
                ("SORT (REVERSE FROM) UTF-8 ALL", "* SORT 1 2"),
                ("SORT (DISPLAYFROM) UTF-8 ALL", "* SORT 2 1"),
                ("THREAD REFERENCES UTF-8 ALL", "* THREAD (1 2)"),
            ] {
                #expect(try await client.command("t", command).untagged == [expected], "\(command)")
            }
        }
    }

    @Test("THREAD REFERENCES and ORDEREDSUBJECT, and UID THREAD")
    func thread() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await Self.deliverThread(fixture)
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            #expect(try await client.command("s", "SELECT INBOX").isOK)
            let references = try await client.command("r", "THREAD REFERENCES UTF-8 ALL")
            #expect(references.isOK)
            // 1 → 2 → 4 by references; 5 is a forward of "Plans", so a child of 1 by subject.
            #expect(references.untagged == ["* THREAD (1 (2 4)(5))(3)"])
            let ordered = try await client.command("o", "THREAD ORDEREDSUBJECT UTF-8 ALL")
            #expect(ordered.untagged == ["* THREAD (1 (2)(4)(5))(3)"])
            let uid = try await client.command("u", "UID THREAD REFERENCES UTF-8 NOT FROM dave")
            #expect(uid.untagged == ["* THREAD (1 2 4)(3)"])
            let none = try await client.command("n", "THREAD REFERENCES UTF-8 SUBJECT nothing-like-this")
            #expect(none.untagged == ["* THREAD"])
            #expect(try await client.command("x", "UNSELECT").isOK)
            #expect(try await client.command("y", "THREAD REFERENCES UTF-8 ALL").status == "BAD")
        }
    }

    @Test("GETQUOTAROOT, GETQUOTA and SETQUOTA; no limits means no root")
    func quotaCommands() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.deliver(mail("One", from: "a@example.net", date: nil, id: "q1@x", body: String(repeating: "x", count: 3000)))
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            let unlimited = try await client.command("a", "GETQUOTAROOT INBOX")
            #expect(unlimited.untagged == ["* QUOTAROOT \"INBOX\""])
            #expect(try await client.command("b", "GETQUOTA \"\"").status == "NO")
            try await fixture.store.setQuota(address: IMAPFixture.alice, bytes: 10 * 1024)
            try await fixture.store.setMessageQuota(address: IMAPFixture.alice, messages: 5)
            let size = try #require(try await fixture.store.account(id: fixture.alice.id)).usedBytes
            let kib = (size + 1023) / 1024
            let root = try await client.command("c", "GETQUOTAROOT INBOX")
            #expect(root.isOK)
            #expect(root.untagged == ["* QUOTAROOT \"INBOX\" \"\"", "* QUOTA \"\" (STORAGE \(kib) 10 MESSAGE 1 5)"])
            let quota = try await client.command("d", "GETQUOTA \"\"")
            #expect(quota.untagged == ["* QUOTA \"\" (STORAGE \(kib) 10 MESSAGE 1 5)"])
            #expect(try await client.command("e", "GETQUOTA other").status == "NO")
            #expect(try await client.command("f", "GETQUOTAROOT Nowhere").tagged.hasPrefix("f NO [NONEXISTENT]"))
            #expect(try await client.command("g", "SETQUOTA \"\" (STORAGE 100)").tagged.hasPrefix("g NO [NOPERM]"))
        }
    }

    @Test("MESSAGE quota: APPEND and COPY past it answer NO [OVERQUOTA], MOVE still works")
    func messageQuotaEnforced() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.deliver(mail("One", from: "a@example.net", date: nil, id: "m1@x"))
        try await fixture.store.setMessageQuota(address: IMAPFixture.alice, messages: 2)
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            let message = "Subject: two\r\n\r\nbody\r\n"
            #expect(try await client.command("a", "APPEND INBOX {\(message.utf8.count)+}\r\n\(message)").isOK)
            let third = try await client.command("b", "APPEND INBOX {\(message.utf8.count)+}\r\n\(message)")
            #expect(third.tagged.hasPrefix("b NO [OVERQUOTA]"))
            #expect(try await client.command("s", "SELECT INBOX").isOK)
            #expect(try await client.command("c", "COPY 1 Archive").tagged.hasPrefix("c NO [OVERQUOTA]"))
            #expect(try await client.command("d", "MOVE 1 Archive").isOK)
        }
        // Delivery obeys it too: the store refuses a third message.
        await #expect(throws: StoreError.self) {
            try await fixture.deliver(mail("Three", from: "a@example.net", date: nil, id: "m3@x"))
        }
    }
}
