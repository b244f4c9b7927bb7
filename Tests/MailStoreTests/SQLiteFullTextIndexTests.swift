// The trigram full-text index (migration "v6-fulltext-index") and SELECT's snapshot: what is
// indexed after delivery (in the background, issue 8), kept exact through COPY/MOVE/EXPUNGE and mailbox removal, built for
// messages stored before it existed, and left aside for messages too large to index.
import Foundation
import GRDB
import MailMessage
import Testing
@testable import MailStore

@Suite struct SQLiteFullTextIndexTests {
    func withFixture(_ body: (SQLiteMailStoreFixture, MailStoreBehaviour) async throws -> Void) async throws {
        try await SQLiteMailStoreFixture.run(.init(), body)
    }

    /// The corpus, UIDs 1... in this order.
    static let corpus: [String] = [
        // 1: plain UTF-8, an encoded-word subject, a prefix line added at delivery (below).
        "From: Sender <s@example.net>\r\nSubject: =?utf-8?q?R=C3=A9union_d=27=C3=A9quipe?=\r\n\r\nMeet me in Zanzibar on Friday\r\n",
        // 2: quoted-printable with a soft line break.
        "Subject: qp\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + "Caf=C3=A9 cr=C3=A8me and soft=\r\nbreak\r\n",
        // 3: base64 of ISO-8859-1 text ("Grüße aus München").
        "Subject: b64\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + Data([0x47, 0x72, 0xFC, 0xDF, 0x65, 0x20, 0x61, 0x75, 0x73, 0x20, 0x4D, 0xFC, 0x6E, 0x63, 0x68, 0x65, 0x6E])
                .base64EncodedString() + "\r\n",
        // 4: HTML: searched without its markup, entities decoded.
        "Subject: html\r\nContent-Type: text/html\r\n\r\n<p>Hello <b>bold</b> &amp; brave</p>\r\n",
        // 5: a word only in an attachment, which BODY does not search; MIME part headers for TEXT.
        "Subject: parts\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\n"
            + "see attached\r\n--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"ledger.bin\"\r\n\r\n"
            + "secretword\r\n--XX--\r\n",
    ]

    func load(_ behaviour: MailStoreBehaviour, _ account: Account) async throws {
        for (index, text) in Self.corpus.enumerated() {
            let prepared = MessagePreparer.prepare(Array(text.utf8))
            // Message 5 goes in without metadata, as an import may: the store parses it itself.
            let request = AppendRequest(accountID: account.id,
                                        prefix: index == 0 ? Array("Return-Path: <bounce@example.net>\r\n".utf8) : [],
                                        content: prepared.content, metadata: index == 4 ? Data() : prepared.metadata)
            _ = try await behaviour.store.append([request]).first?.get()
        }
        // Appends leave messages pending for the background indexer (which may have run already on
        // a slow machine); index whatever is left now.
        let store = try #require(behaviour.store as? SQLiteMailStore)
        _ = try await store.indexPendingFullText()
    }

    static let cases: [(term: String, field: FullTextField, uids: Set<UInt32>)] = [
        ("zanzibar", .body, [1]),
        ("ZANZIBAR", .text, [1]),
        ("café", .body, [2]),
        ("cafe\u{301}", .body, [2]),          // decomposed spelling of the same text
        ("softbreak", .body, [2]),            // across a QP soft line break
        ("münchen", .body, [3]),
        ("GRÜSSE", .body, []),                // ß is not ss (SearchFolding)
        ("bold & brave", .body, [4]),
        ("<b>", .body, []),                   // markup is not text
        ("secretword", .body, []),            // attachments are not searched
        ("ledger.bin", .text, [5]),           // MIME part headers are, by TEXT
        ("ledger.bin", .body, []),
        ("réunion", .text, [1]),              // decoded encoded word
        ("réunion", .body, []),
        ("bounce@example", .text, [1]),       // prefix lines are part of the header
        ("bounce@example", .body, []),
        ("quote\"inside", .text, []),         // FTS5 syntax characters are only data
        ("nowhere at all", .text, []),
    ]

    @Test(arguments: cases)
    func candidatesAtDelivery(term: String, field: FullTextField, uids: Set<UInt32>) async throws {
        try await withFixture { fixture, behaviour in
            let account = try await behaviour.makeAccount("alice@example.test")
            try await load(behaviour, account)
            let inbox = try await behaviour.inbox(account)
            let candidates = try await fixture.store.fullTextCandidates(mailboxID: inbox.id, term: term, field: field)
            // Exact here: each trigram filter is selective on this corpus.
            #expect(candidates == uids)
        }
    }

    @Test(arguments: ["", "a", "ab", "€ß"])
    func shortTermsAreLeftToTheMatcher(term: String) async throws {
        try await withFixture { fixture, behaviour in
            let account = try await behaviour.makeAccount("alice@example.test")
            try await load(behaviour, account)
            let inbox = try await behaviour.inbox(account)
            #expect(try await fixture.store.fullTextCandidates(mailboxID: inbox.id, term: term, field: .text) == nil)
        }
    }

    func rowCount(_ fixture: SQLiteMailStoreFixture) async throws -> Int {
        try await fixture.sqliteStore.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM messages_fts") ?? -1 }
    }

    @Test func copyMoveExpungeAndMailboxRemovalKeepTheIndexExact() async throws {
        try await withFixture { fixture, behaviour in
            let store = fixture.store
            let account = try await behaviour.makeAccount("alice@example.test")
            try await load(behaviour, account)
            let inbox = try await behaviour.inbox(account)
            let archive = try await behaviour.archive(account)
            #expect(try await rowCount(fixture) == 5)
            let copy = try await store.copyMessages(from: inbox.id, uids: [1, 2], to: archive.id)
            #expect(try await rowCount(fixture) == 7)
            #expect(try await store.fullTextCandidates(mailboxID: archive.id, term: "zanzibar", field: .body)
                    == [copy.destinationUIDs[0]])
            let moved = try await store.moveMessages(from: inbox.id, uids: [3], to: archive.id)
            #expect(try await rowCount(fixture) == 7)
            #expect(try await store.fullTextCandidates(mailboxID: archive.id, term: "münchen", field: .body)
                    == Set(moved.destinationUIDs))
            #expect(try await store.fullTextCandidates(mailboxID: inbox.id, term: "münchen", field: .body) == [])
            _ = try await store.expunge(mailboxID: inbox.id, uids: [1])
            #expect(try await rowCount(fixture) == 6)
            #expect(try await store.fullTextCandidates(mailboxID: inbox.id, term: "zanzibar", field: .body) == [])
            // The copy keeps its own row.
            #expect(try await store.fullTextCandidates(mailboxID: archive.id, term: "zanzibar", field: .body)
                    == [copy.destinationUIDs[0]])
            // A cascading delete (mailbox removed) removes the rows of its messages.
            try await store.deleteMailbox(accountID: account.id, name: archive.name)
            #expect(try await rowCount(fixture) == 3)
        }
    }

    /// Text beyond FullTextDocument.maximumTextOctets is not indexed; the message is then always
    /// a candidate, so the matcher still finds it.
    @Test func largeMessagesAreAlwaysCandidates() async throws {
        try await withFixture { fixture, behaviour in
            let account = try await behaviour.makeAccount("alice@example.test")
            try await load(behaviour, account)
            var text = "Subject: big\r\n\r\n"
            let line = String(repeating: "lorem ipsum ", count: 8) + "\r\n"
            while text.utf8.count <= FullTextDocument.maximumTextOctets { text += line }
            let prepared = MessagePreparer.prepare(Array((text + "zanzibar at the end\r\n").utf8))
            _ = try await behaviour.store.append([AppendRequest(accountID: account.id, content: prepared.content,
                                                                metadata: prepared.metadata)]).first?.get()
            let inbox = try await behaviour.inbox(account)
            #expect(try await fixture.store.fullTextCandidates(mailboxID: inbox.id, term: "zanzibar", field: .body) == [1, 6])
            #expect(try await fixture.store.fullTextCandidates(mailboxID: inbox.id, term: "münchen", field: .body) == [3, 6])
        }
    }

    /// Messages stored before the index (fulltext = 0, no row) are indexed in the background
    /// once the store is open (issue 8: opening does not wait for it).
    /// Issue 8: copies of one delivery share their body text within an index batch, but each keeps
    /// its own header (its prefix): a prefix is found in its own copy only, the body in every copy.
    @Test(arguments: [0, 4])
    func copiesOfOneDeliveryShareTheBodyNotTheHeader(corpusIndex: Int) async throws {
        try await withFixture { fixture, behaviour in
            let alice = try await behaviour.makeAccount("alice@example.test")
            let bob = try await behaviour.makeAccount("bob@example.test")
            let prepared = MessagePreparer.prepare(Array(Self.corpus[corpusIndex].utf8))
            let requests = [(alice, "alicemarker"), (bob, "bobmarker")].map { account, marker in
                AppendRequest(accountID: account.id, prefix: Array("Delivered-To: \(marker)\r\n".utf8),
                              content: prepared.content, metadata: prepared.metadata)
            }
            for result in try await fixture.store.append(requests) { _ = try result.get() }
            _ = try await fixture.sqliteStore.indexPendingFullText()
            let term = corpusIndex == 0 ? "zanzibar" : "see attached"
            for (account, own, other) in [(alice, "alicemarker", "bobmarker"), (bob, "bobmarker", "alicemarker")] {
                let inbox = try await behaviour.inbox(account)
                #expect(try await fixture.store.fullTextCandidates(mailboxID: inbox.id, term: term, field: .body) == [1])
                #expect(try await fixture.store.fullTextCandidates(mailboxID: inbox.id, term: own, field: .text) == [1])
                #expect(try await fixture.store.fullTextCandidates(mailboxID: inbox.id, term: other, field: .text) == [])
            }
            let headers = try await fixture.sqliteStore.read { db in
                try String.fetchAll(db, sql: "SELECT header FROM messages_fts ORDER BY rowid")
            }
            #expect(headers.count == 2 && headers[0] != headers[1])
        }
    }

    @Test func storedMessagesAreIndexedAfterTheStoreOpens() async throws {
        try await withFixture { fixture, behaviour in
            let account = try await behaviour.makeAccount("alice@example.test")
            try await load(behaviour, account)
            let inbox = try await behaviour.inbox(account)
            try await fixture.sqliteStore.pool.write { db in
                try db.execute(sql: "DELETE FROM messages_fts; UPDATE messages SET fulltext = 0")
            }
            // Not indexed: every message is a candidate, so nothing is missed meanwhile.
            #expect(try await fixture.store.fullTextCandidates(mailboxID: inbox.id, term: "zanzibar", field: .body)
                    == [1, 2, 3, 4, 5])
            let reopened = try await fixture.reopen() as? SQLiteMailStore
            let second = try #require(reopened)
            defer { try? second.close() }
            var waited = 0
            while try await second.read({ db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM messages WHERE fulltext = 0") }) != 0,
                  waited < 250 {
                try await Task.sleep(for: .milliseconds(20))
                waited += 1
            }
            #expect(try await second.fullTextCandidates(mailboxID: inbox.id, term: "zanzibar", field: .body) == [1])
            #expect(try await second.fullTextCandidates(mailboxID: inbox.id, term: "ledger.bin", field: .text) == [5])
            #expect(try await second.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM messages_fts") } == 5)
        }
    }

    /// Issue 8: an append stores its message pending (every search reads it) and the indexer
    /// indexes it once appends pause, without anyone asking.
    @Test func appendsAreIndexedInTheBackgroundOnceTheyPause() async throws {
        var configuration = SQLiteMailStore.Configuration()
        configuration.fullTextQuietPeriod = 0.05
        try await SQLiteMailStoreFixture.run(configuration) { fixture, behaviour in
            let account = try await behaviour.makeAccount("alice@example.test")
            let inbox = try await behaviour.inbox(account)
            let prepared = MessagePreparer.prepare(Array("Subject: x\r\n\r\nMeet me in Zanzibar\r\n".utf8))
            _ = try await fixture.store.append([AppendRequest(accountID: account.id, content: prepared.content,
                                                              metadata: prepared.metadata)]).first?.get()
            func state() async throws -> Int? {
                try await fixture.sqliteStore.read { db in try Int.fetchOne(db, sql: "SELECT fulltext FROM messages") }
            }
            // Right after the append the message may still be pending; it is a candidate either way.
            #expect(try await fixture.store.fullTextCandidates(mailboxID: inbox.id, term: "zanzibar", field: .body) == [1])
            var waited = 0
            while try await state() != 1, waited < 100 {
                try await Task.sleep(for: .milliseconds(20))
                waited += 1
            }
            #expect(try await state() == 1)
            #expect(try await rowCount(fixture) == 1)
            #expect(try await fixture.store.fullTextCandidates(mailboxID: inbox.id, term: "nowhere", field: .body) == [])
        }
    }

    @Test func selectionSnapshot() async throws {
        try await withFixture { fixture, behaviour in
            let store = fixture.store
            let account = try await behaviour.makeAccount("alice@example.test")
            for (number, flags) in [["\\Seen", "$Important"], ["$Later"], ["\\Seen", "$important", "$Later"], ["\\Seen"]].enumerated() {
                _ = try await behaviour.appendOne(account, MailStoreBehaviour.content("Subject: \(number)\r\n\r\nx\r\n"), flags: flags)
            }
            let first = try #require(await store.mailboxSelection(accountID: account.id, name: "INBOX"))
            #expect(first.uids == [1, 2, 3, 4])
            #expect(first.firstUnseenUID == 2)
            #expect(Set(first.keywords.map { $0.lowercased() }) == ["$important", "$later"])
            #expect(first.keywords.count == 2)
            #expect(first.mailbox.uidNext == 5)
            #expect(first.mailbox.highestModSeq == (try await store.messageIndex(mailboxID: first.mailbox.id)).map(\.modSeq).max())
            _ = try await store.updateFlags(mailboxID: first.mailbox.id, uids: [2], operation: .add, flags: ["\\Seen"])
            _ = try await store.expunge(mailboxID: first.mailbox.id, uids: [3])
            let second = try #require(await store.mailboxSelection(accountID: account.id, name: "inbox"))
            #expect(second.uids == [1, 2, 4])
            #expect(second.firstUnseenUID == nil)
            #expect(second.keywords.map { $0.lowercased() }.sorted() == ["$important", "$later"])
            #expect(second.mailbox.highestModSeq > first.mailbox.highestModSeq)
            // Unchanged: the same answer (from SelectionCache); renamed: the fresh row, same messages.
            #expect(try await store.mailboxSelection(accountID: account.id, name: "INBOX") == second)
            _ = try await behaviour.appendOne(account, MailStoreBehaviour.content("Subject: 9\r\n\r\nx\r\n"), mailbox: .name("Archive"))
            try await store.renameMailbox(accountID: account.id, from: "Archive", to: "Old")
            let renamed = try #require(await store.mailboxSelection(accountID: account.id, name: "Old"))
            #expect(renamed.mailbox.name == "Old" && renamed.uids == [1] && renamed.firstUnseenUID == 1)
            #expect(try await store.mailboxSelection(accountID: account.id, name: "Nope") == nil)
        }
    }

    /// Snapshots taken while mail arrives are each consistent: the UIDs, UIDNEXT, the count and
    /// HIGHESTMODSEQ come from the same transaction.
    @Test func selectionIsConsistentUnderConcurrentDelivery() async throws {
        try await withFixture { fixture, behaviour in
            let store = fixture.store
            let account = try await behaviour.makeAccount("alice@example.test")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<4 {
                    group.addTask {
                        for index in 0..<25 {
                            _ = try await behaviour.appendOne(account, MailStoreBehaviour.content("Subject: \(writer)-\(index)\r\n\r\nx\r\n"))
                        }
                    }
                }
                group.addTask {
                    for _ in 0..<40 {
                        let selection = try #require(await store.mailboxSelection(accountID: account.id, name: "INBOX"))
                        #expect(selection.uids.count == selection.mailbox.messageCount)
                        #expect(selection.uids == selection.uids.sorted())
                        #expect(UInt32(selection.uids.count) + 1 == selection.mailbox.uidNext)
                        // Each append is one MODSEQ in a fresh mailbox, which starts at 1.
                        #expect(UInt64(selection.uids.count) + 1 == selection.mailbox.highestModSeq)
                        #expect(selection.firstUnseenUID == selection.uids.first)
                    }
                }
                try await group.waitForAll()
            }
            let final = try #require(await store.mailboxSelection(accountID: account.id, name: "INBOX"))
            #expect(final.uids == Array(1...100))
        }
    }
}

extension SQLiteFullTextIndexTests {
    /// Issue 8: a large background batch gives the writer up after the message in hand when a
    /// write waits; what it did not reach stays pending for the next batch.
    @Test func aBatchStopsEarlyWhenWritesWaitAndLeavesTheRestPending() async throws {
        var configuration = SQLiteMailStore.Configuration()
        configuration.fullTextQuietPeriod = 3_600
        configuration.fullTextMaximumDelay = 3_600
        configuration.backgroundWorkDelay = 3_600
        try await SQLiteMailStoreFixture.run(configuration) { fixture, behaviour in
            let account = try await behaviour.makeAccount("alice@example.test")
            for number in 0..<5 {
                let prepared = MessagePreparer.prepare(Array("Subject: \(number)\r\n\r\nbody \(number)\r\n".utf8))
                _ = try await fixture.store.append([AppendRequest(accountID: account.id, content: prepared.content,
                                                                  metadata: prepared.metadata)]).first?.get()
            }
            let store = fixture.sqliteStore
            let yielded = try FullTextBackfill.indexBatch(pool: store.pool, blobFiles: store.blobFiles, limit: 200,
                                                          writersWaiting: { true })
            #expect(yielded == .init(looked: 1, stoppedForWriters: true, mayHaveMore: true))
            let rest = try FullTextBackfill.indexBatch(pool: store.pool, blobFiles: store.blobFiles, limit: 200,
                                                       writersWaiting: { false })
            #expect(rest == .init(looked: 4, mayHaveMore: false))
            #expect(try await rowCount(fixture) == 5)
        }
    }
}
