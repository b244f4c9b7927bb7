// SEARCH BODY/TEXT through the store's full-text index give exactly what reading every message
// gives (issue 4): the same engine, once with the index and once without, over a real store.

import Foundation
import MailStore
import NetworkTestSupport
import Testing
@testable import IMAPServer

@Suite("SEARCH BODY/TEXT with the full-text index", .timeLimit(.minutes(1)))
struct FullTextSearchEquivalenceTests {
    static let corpus: [String] = [
        "From: Carol <carol@example.net>\r\nSubject: Quarterly report\r\n\r\nThe numbers are in. Meet me in Zanzibar.\r\n",
        "Subject: =?iso-8859-1?q?Gr=FC=DFe_aus_M=FCnchen?=\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: quoted-printable\r\n\r\nCaf=C3=A9 cr=C3=A8me, zanzi=\r\nbar again\r\n",
        "Subject: html\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hello <b>bold</b> &amp; brave, <i>numbers</i></p>\r\n",
        "Subject: parts\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\n"
            + "see the numbers attached\r\n--XX\r\nContent-Type: application/octet-stream; name=ledger.bin\r\n\r\n"
            + "zanzibar in an attachment\r\n--XX--\r\n",
        "Subject: short\r\n\r\nab cd ef\r\n",
    ]

    static let keys: [IMAPSearchKey] = [
        .body("zanzibar"), .text("zanzibar"), .body("ZANZI"), .body("numbers"), .text("numbers"),
        .body("café"), .body("cafe\u{301} crème"), .text("grüße"), .body("grüße"), .body("bold & brave"),
        .body("<b>"), .text("ledger.bin"), .body("ledger.bin"), .text("return-path: <sender"), .text("carol@"),
        .body("ab"), .body("b c"), .body(""), .text("e"), .body("nowhere"),
        .not(.body("numbers")), .or(.body("zanzibar"), .text("html")), .and([.body("numbers"), .seen]),
        .and([.body("numbers"), .not(.text("quarterly"))]), .or(.body("zanzibar"), .larger(10)),
        .not(.or(.text("zanzibar"), .body("bold"))),
    ]

    @Test(arguments: keys)
    func sameResultsWithAndWithoutIndex(key: IMAPSearchKey) async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        for (index, text) in Self.corpus.enumerated() {
            try await fixture.deliver(text, flags: index % 2 == 0 ? ["\\Seen"] : [])
        }
        let store = fixture.store
        let inbox = try #require(await store.mailbox(accountID: fixture.alice.id, name: "INBOX"))
        let candidates = try await store.messages(mailboxID: inbox.id).enumerated().map {
            IMAPSearchCandidate(sequenceNumber: UInt32($0.offset + 1), message: $0.element)
        }
        let reader = MailStoreMessageReader(store: store)
        let scan = IMAPSearchEngine(reader: reader)
        let indexed = IMAPSearchEngine(reader: reader, now: { Date() }, fullText: { term, field in
            try await store.fullTextCandidates(mailboxID: inbox.id, term: term, field: field)
        })
        let expected = try await scan.search(key, candidates: candidates, highestSequenceNumber: 5, highestUID: 5,
                                             savedResult: nil)
        let plan = try await indexed.plan(key, highestSequenceNumber: 5, highestUID: 5, savedResult: nil)
        // The session loads only the UIDs the plan allows; the result must not change.
        let allowed = candidates.filter { plan.candidateUIDs?.contains($0.uid) ?? true }
        let actual = try await indexed.evaluate(plan, candidates: allowed)
        #expect(actual.map(\.uid) == expected.map(\.uid))
    }

    /// A plan for a plain BODY word names only the messages that may contain it.
    @Test func planNarrowsToTheIndexCandidates() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        for text in Self.corpus { try await fixture.deliver(text) }
        let store = fixture.store
        _ = try await store.indexPendingFullText()
        let inbox = try #require(await store.mailbox(accountID: fixture.alice.id, name: "INBOX"))
        let engine = IMAPSearchEngine(reader: MailStoreMessageReader(store: store), now: { Date() }, fullText: { term, field in
            try await store.fullTextCandidates(mailboxID: inbox.id, term: term, field: field)
        })
        let zanzibar = try await engine.plan(.body("zanzibar"), highestSequenceNumber: 5, highestUID: 5, savedResult: nil)
        #expect(zanzibar.candidateUIDs == [1, 2])
        let either = try await engine.plan(.or(.body("zanzibar"), .body("bold")), highestSequenceNumber: 5,
                                           highestUID: 5, savedResult: nil)
        #expect(either.candidateUIDs == [1, 2, 3])
        let negated = try await engine.plan(.not(.body("zanzibar")), highestSequenceNumber: 5, highestUID: 5, savedResult: nil)
        #expect(negated.candidateUIDs == nil)
        let short = try await engine.plan(.body("ab"), highestSequenceNumber: 5, highestUID: 5, savedResult: nil)
        #expect(short.candidateUIDs == nil)
    }

    /// Issue 8: messages are indexed after their commit, so a session can search a message the
    /// indexer has not reached yet. It must be found then (the store reports it as a candidate and
    /// the matcher reads it) and after it is indexed (the index finds it).
    @Test("SEARCH BODY finds a just-delivered message before and after it is indexed")
    func searchBeforeAndAfterIndexing() async throws {
        // The background indexer waits an hour here, so "not indexed yet" holds until the test says.
        var storeConfiguration = SQLiteMailStore.Configuration()
        storeConfiguration.fullTextQuietPeriod = 3_600
        storeConfiguration.fullTextMaximumDelay = 3_600
        let fixture = try await IMAPFixture.make(storeConfiguration: storeConfiguration)
        defer { fixture.tearDown() }
        for text in Self.corpus.prefix(2) { try await fixture.deliver(text) }
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            _ = try await client.command("a", "SELECT INBOX")
            _ = try await fixture.store.indexPendingFullText()
            let third = try await fixture.deliver(Self.corpus[0].replacingOccurrences(of: "Zanzibar", with: "Timbuktu"))
            #expect(third == 3)
            let inbox = try #require(await fixture.store.mailbox(accountID: fixture.alice.id, name: "INBOX"))
            // Not indexed yet: a candidate for any term, so the matcher decides.
            #expect(try await fixture.store.fullTextCandidates(mailboxID: inbox.id, term: "nowhere", field: .body) == [3])
            #expect(try await client.command("b", "NOOP").untagged.contains("* 3 EXISTS"))
            #expect(try await client.command("c", "SEARCH BODY timbuktu").untagged == ["* SEARCH 3"])
            #expect(try await client.command("d", "SEARCH BODY zanzibar").untagged == ["* SEARCH 1 2"])
            #expect(try await fixture.store.indexPendingFullText() == 1)
            #expect(try await fixture.store.fullTextCandidates(mailboxID: inbox.id, term: "nowhere", field: .body) == [])
            #expect(try await fixture.store.fullTextCandidates(mailboxID: inbox.id, term: "timbuktu", field: .body) == [3])
            #expect(try await client.command("e", "SEARCH BODY timbuktu").untagged == ["* SEARCH 3"])
            #expect(try await client.command("f", "SEARCH BODY zanzibar").untagged == ["* SEARCH 1 2"])
        }
    }

    @Test("SEARCH BODY and TEXT over the wire")
    func sessionSearch() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        for text in Self.corpus { try await fixture.deliver(text) }
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            _ = try await client.command("a", "SELECT INBOX")
            #expect(try await client.command("b", "SEARCH BODY zanzibar").untagged == ["* SEARCH 1 2"])
            #expect(try await client.command("c", "SEARCH TEXT \"ledger.bin\"").untagged == ["* SEARCH 4"])
            #expect(try await client.command("d", "UID SEARCH NOT BODY numbers").untagged == ["* SEARCH 2 5"])
            #expect(try await client.command("e", "SEARCH BODY \"b c\"").untagged == ["* SEARCH 5"])
            _ = try await client.command("f", "STORE 1 +FLAGS (\\Deleted)")
            _ = try await client.command("g", "EXPUNGE")
            #expect(try await client.command("h", "SEARCH BODY zanzibar").untagged == ["* SEARCH 1"])
            #expect(try await client.command("i", "UID SEARCH TEXT zanzibar").untagged == ["* SEARCH 2"])
        }
    }
}
