// SEARCH FROM/TO/CC/BCC/SUBJECT test the octets of one field of the stored summary in place
// (issue 8). They must answer exactly as the decoded, folded String did: ASCII by bytes, anything
// else through the same folding, the other fields never consulted.

import Foundation
import MailMessage
import MailStore
import Synchronization
import Testing
@testable import IMAPServer

/// Counts the search texts decoded the old way, and can refuse to locate summaries in place.
private final class CountingReader: IMAPMessageReader {
    let base: InMemoryMessageReader
    let locates: Bool
    private let decoded = Mutex(0)

    init(_ base: InMemoryMessageReader, locates: Bool = true) {
        self.base = base
        self.locates = locates
    }

    var decodedSearchTexts: Int { decoded.withLock { $0 } }

    func bytes(of message: StoredMessage, range: Range<Int>) async throws -> [UInt8] {
        try await base.bytes(of: message, range: range)
    }

    func searchText(of message: StoredMessage) async throws -> SearchText {
        decoded.withLock { $0 += 1 }
        return try await decodedSearchText(of: message)
    }

    func searchTextLayout(of message: StoredMessage) -> StoredSearchTextLayout? {
        locates ? storedSearchTextLayout(of: message) : nil
    }
}

@Suite struct SearchFieldInPlaceTests {
    static let patternCases: [(needle: String, text: String, expected: Bool)] = [
        ("alice", "Alice Example <alice@example.org>", true),
        ("ALICE", "alice@example.org", true),
        ("bob", "Alice Example <alice@example.org>", false),
        ("", "anything", true),
        ("x", "", false),
        ("bob", "bob Jürgen Groß", true),                       // found before the first non-ASCII octet
        ("gen gro", "Jürgen Groß", true),                        // only after it
        ("jurgen", "Jürgen", false),                             // ü folds to u + U+0308
        ("jürgen", "JÜRGEN", true),
        ("kelvin", "\u{212A}elvin <k@example.org>", true),       // the Kelvin sign folds to ASCII k
        ("\u{212A}", "k", true),                                 // and a folded needle can be ASCII
        ("é", "Andre\u{301}", true),                             // NFKD on both sides
        ("café", "CAFE", false),
        ("e", "É", true),
    ]

    @Test(arguments: patternCases)
    func octetsMatchAsTheFoldedStringDoes(_ test: (needle: String, text: String, expected: Bool)) {
        let pattern = SearchPattern(test.needle)
        let bytes = Array(test.text.utf8)
        let inPlace = bytes.withUnsafeBufferPointer { pattern.occurs(inUTF8: $0) }
        #expect(inPlace == test.expected)
        #expect(inPlace == pattern.occurs(in: test.text))
    }

    @Test func invalidUTF8IsRepairedAsTheWholeDecodeRepairsIt() {
        let bytes: [UInt8] = Array("Gr".utf8) + [0xFF, 0xC3] + Array("sse <g@example.org>".utf8)
        let text = String(decoding: bytes, as: UTF8.self)
        for needle in ["gr", "sse", "\u{FFFD}", "g@example", "grsse"] {
            let pattern = SearchPattern(needle)
            #expect(bytes.withUnsafeBufferPointer { pattern.occurs(inUTF8: $0) } == pattern.occurs(in: text), "\(needle)")
        }
    }

    /// Each key looks at its own field: "bob" is in every message's To but only one From.
    static let fieldCases: [(key: IMAPSearchKey, expected: [UInt32])] = [
        (.from("bob"), []),
        (.to("bob"), [10, 20, 30, 40]),
        (.from("alice"), [10]),
        (.to("alice"), []),
        (.cc("carol"), [20]),
        (.bcc("eve"), [30]),
        (.subject("hello"), [10]),
        (.from("andré"), [20]),
        (.from("ANDRE\u{301}"), [20]),
        (.subject("café crème"), [20]),
        (.subject("cafe"), [20]),                 // NFKD: "é" is "e" + U+0301, so "cafe" is in it
        (.subject("cafe crème"), []),
        (.from("grace"), []),                     // only in the attached message's header
        (.from("frank"), [40]),                   // no metadata: parsed from the bytes
    ]

    @Test(arguments: fieldCases)
    func envelopeKeysReadOneFieldInPlace(_ test: (key: IMAPSearchKey, expected: [UInt32])) async throws {
        let (candidates, memory) = SearchFixtures.mailbox()
        let reader = CountingReader(memory)
        let engine = IMAPSearchEngine(reader: reader)
        let found = try await engine.search(test.key, candidates: candidates, highestSequenceNumber: 4, highestUID: 40,
                                            savedResult: nil).map(\.message.uid)
        #expect(found == test.expected)
        // Only the message without metadata (UID 40) needs its search text decoded.
        #expect(reader.decodedSearchTexts <= 1)

        let oldWay = CountingReader(memory, locates: false)
        let asBefore = try await IMAPSearchEngine(reader: oldWay).search(test.key, candidates: candidates,
                                                                         highestSequenceNumber: 4, highestUID: 40,
                                                                         savedResult: nil).map(\.message.uid)
        #expect(asBefore == found)
        #expect(oldWay.decodedSearchTexts == 4)
    }

    @Test func sentDatesComeFromTheLayoutToo() async throws {
        let (candidates, memory) = SearchFixtures.mailbox()
        let reader = CountingReader(memory)
        let found = try await IMAPSearchEngine(reader: reader).search(.sentOn(.day(2024, 2, 15)), candidates: candidates,
                                                                      highestSequenceNumber: 4, highestUID: 40,
                                                                      savedResult: nil).map(\.message.uid)
        #expect(found == [20])
        #expect(reader.decodedSearchTexts == 1)   // UID 40, without metadata
    }

    @Test func damagedMetadataFallsBackToTheMessageBytes() async throws {
        var (candidates, memory) = SearchFixtures.mailbox()
        // A truncated summary: the layout cannot be located, the whole decode fails too, so the
        // message is parsed from its bytes and still found.
        let metadata = candidates[0].message.metadata
        candidates[0].message.metadata = metadata.prefix(metadata.count - 3)
        let reader = CountingReader(memory)
        #expect(reader.searchTextLayout(of: candidates[0].message) == nil)
        let found = try await IMAPSearchEngine(reader: reader).search(.from("alice"), candidates: candidates,
                                                                      highestSequenceNumber: 4, highestUID: 40,
                                                                      savedResult: nil).map(\.message.uid)
        #expect(found == [10])
    }
}

/// The store-side test of SEARCH FROM/TO/SUBJECT/SENT* (`Plan.summaryTest`) must agree with the
/// evaluator on every message whose summary it can read, and leave the others undecided.
@Suite struct SearchSummaryTestTests {
    static let keys: [IMAPSearchKey] = [
        .from("alice"), .from("bob"), .to("bob"), .cc("carol"), .bcc("eve"), .subject("café"), .subject("cafe"),
        .from("andré"), .not(.from("alice")), .or(.from("alice"), .subject("report")),
        .and([.to("bob"), .not(.subject("hello"))]), .sentOn(.day(2024, 2, 15)), .sentBefore(.day(2024, 2, 1)),
        .sentSince(.day(2024, 1, 3)), .and([.from("dave"), .sentSince(.day(2024, 1, 1))]),
    ]

    @Test(arguments: keys)
    func storeSideTestAgreesWithTheEvaluator(_ key: IMAPSearchKey) async throws {
        let (candidates, reader) = SearchFixtures.mailbox()
        let engine = IMAPSearchEngine(reader: reader)
        let plan = try await engine.plan(key, highestSequenceNumber: 4, highestUID: 40, savedResult: nil)
        #expect(plan.decidedBySummary)
        let expected = Set(try await engine.evaluate(plan, candidates: candidates).map(\.message.uid))
        for candidate in candidates {
            let verdict = candidate.message.metadata.isEmpty ? nil : plan.summaryTest(candidate.message.metadata)
            if candidate.message.metadata.isEmpty {
                #expect(verdict == nil)
            } else {
                #expect(verdict == expected.contains(candidate.uid), "UID \(candidate.uid)")
            }
        }
    }

    @Test func otherKeysAreNotDecidedBySummary() async throws {
        let engine = IMAPSearchEngine(reader: SearchFixtures.mailbox().1)
        for key: IMAPSearchKey in [.and([.from("alice"), .unseen]), .header(field: "X-Custom", value: "spam"), .body("fox"), .uid(.ranges([]))] {
            let plan = try await engine.plan(key, highestSequenceNumber: 4, highestUID: 40, savedResult: nil)
            #expect(!plan.decidedBySummary, "\(key)")
        }
    }

    @Test func unreadableSummariesAreUndecided() async throws {
        let plan = try await IMAPSearchEngine(reader: SearchFixtures.mailbox().1)
            .plan(.from("alice"), highestSequenceNumber: 4, highestUID: 40, savedResult: nil)
        #expect(plan.summaryTest(Data("{\"v\":1}".utf8)) == nil)     // a JSON row: decoded the usual way
        #expect(plan.summaryTest(Data([3, 0, 0])) == nil)            // truncated
    }
}
