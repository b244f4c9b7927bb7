// The building blocks under the engine: resolved number sets, folded patterns, day numbers and
// the HTML-to-text step, plus a large synthetic mailbox decided without reading any octets.

import Foundation
import MailMessage
import MailStore
import Testing
@testable import IMAPServer

@Suite struct SearchPrimitivesTests {
    static let setCases: [([IMAPSequenceSet.Range], UInt32, [UInt32], [UInt32])] = [
        // ranges, value of "*", members, non-members
        ([.init(.number(3), .number(5))], 9, [3, 4, 5], [2, 6]),
        ([.init(.number(5), .number(3))], 9, [3, 5], [2, 6]),
        ([.init(.number(7), .last)], 9, [7, 9], [6, 10]),
        ([.init(.number(12), .last)], 9, [9, 10, 12], [8, 13]),
        ([.init(.last)], 0, [0], [1]),
        ([.init(.number(1), .number(2)), .init(.number(3)), .init(.number(10), .number(8))], 20, [1, 2, 3, 8, 10], [4, 7, 11]),
        ([.init(.number(UInt32.max)), .init(.number(UInt32.max - 1))], 1, [UInt32.max, UInt32.max - 1], [0, 2]),
    ]

    @Test(arguments: setCases)
    func numberSets(_ ranges: [IMAPSequenceSet.Range], _ star: UInt32, _ members: [UInt32], _ others: [UInt32]) {
        let set = SearchNumberSet(ranges, largest: star)
        for number in members { #expect(set.contains(number), "\(number)") }
        for number in others { #expect(!set.contains(number), "\(number)") }
    }

    @Test func numberSetsMergeAdjacentRanges() {
        let set = SearchNumberSet([.init(.number(1), .number(3)), .init(.number(4), .number(6)), .init(.number(5), .number(9))], largest: 1)
        #expect(set.ranges == [1...9])
        #expect(SearchNumberSet(numbers: [5, 3, 4, 9]).ranges == [3...5, 9...9])
    }

    /// KMP against the obvious quadratic search, on a small alphabet where partial matches abound.
    @Test func patternAgreesWithNaiveSearch() {
        var generator = SplitMix(seed: 42)
        for _ in 0..<2_000 {
            let needle = (0..<Int(generator.next() % 5 + 1)).map { _ in "ab"[Int(generator.next() % 2)] }
            let haystack = (0..<Int(generator.next() % 20)).map { _ in "ab"[Int(generator.next() % 2)] }
            let pattern = SearchPattern(String(needle))
            #expect(pattern.occurs(in: String(haystack)) == String(haystack).contains(String(needle)),
                    "\(String(needle)) in \(String(haystack))")
        }
    }

    static let foldingCases: [(String, String, Bool)] = [
        ("HeLLo", "say hello!", true),
        ("ÉTÉ", "un été chaud", true),
        ("e\u{301}te\u{301}", "un été chaud", true),
        ("été", "un e\u{301}te\u{301} chaud", true),
        ("Straße", "STRASSE", false),            // simple case mapping: no ß → ss
        ("ΣΟΦΊΑ", "σοφία", true),
        ("", "", true),
        ("x", "", false),
    ]

    @Test(arguments: foldingCases)
    func folding(_ needle: String, _ text: String, _ expected: Bool) {
        #expect(SearchPattern(needle).occurs(in: text) == expected)
    }

    static let dayCases: [(Int, Int, Int, Int)] = [
        (1970, 1, 1, 0), (1970, 1, 2, 1), (1969, 12, 31, -1), (2000, 3, 1, 11_017), (2024, 2, 29, 19_782),
        (1600, 1, 1, -135_140),
    ]

    @Test(arguments: dayCases)
    func dayNumbers(_ year: Int, _ month: Int, _ day: Int, _ expected: Int) {
        #expect(SearchDay.number(year: year, month: month, day: day) == expected)
        if expected >= -100_000 {
            #expect(SearchDay.number(Date(timeIntervalSince1970: Double(expected) * 86_400 + 86_399)) == expected)
        }
    }

    static let htmlCases: [(String, String)] = [
        ("<p>a<br>b</p>", " a b "),
        ("x &lt;y&gt; &amp; &quot;z&quot; &#65;&#x42; &bogus; & done", "x <y> & \"z\" AB &bogus; & done"),
        ("a<!-- hidden -->b", "a b"),
        ("a<script type=x>if (a<b) hidden()</script>b", "a b"),
        ("a<STYLE>p{}</STYLE>b<style>", "a b "),
        ("  spaced \r\n\t out  ", " spaced out "),
        ("unterminated <tag", "unterminated "),
    ]

    @Test(arguments: htmlCases)
    func htmlText(_ html: String, _ expected: String) {
        #expect(SearchHTMLText.plainText(from: html) == expected)
    }

    /// 10,000 messages, keys on flags, sizes and a 5,000-range UID set: answered from the rows.
    @Test func largeMailboxWithoutReads() async throws {
        let reader = InMemoryMessageReader([:])
        let candidates = (1...10_000).map { number in
            IMAPSearchCandidate(sequenceNumber: UInt32(number), message: StoredMessage(
                id: Int64(number), mailboxID: 1, uid: UInt32(number * 2), modSeq: UInt64(number),
                flags: number % 3 == 0 ? ["\\Seen"] : [], internalDate: Date(timeIntervalSince1970: 0),
                saveDate: Date(timeIntervalSince1970: 0), size: number, contentSHA256: "", prefixLength: 0,
                metadata: Data()))
        }
        // Every UID 4k: 4, 8, 12, ... (5,000 single-number ranges).
        let everyOther = IMAPSequenceSet.ranges((1...5_000).map { .init(.number(UInt32($0 * 4))) })
        let key = IMAPSearchKey.and([.uid(everyOther), .unseen, .smaller(1_001), .not(.modSequence(IMAPSearchModSequence(value: 900)))])
        let matches = try await IMAPSearchEngine(reader: reader).search(key, candidates: candidates,
                                                                       highestSequenceNumber: 10_000, highestUID: 20_000,
                                                                       savedResult: nil)
        let expected = (1...899).filter { $0 % 2 == 0 && $0 % 3 != 0 }.map(UInt32.init)
        #expect(matches.map(\.sequenceNumber) == expected)
        #expect(reader.readUIDs.isEmpty)
    }
}

/// A tiny deterministic generator, so the randomised comparison is the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

extension String {
    fileprivate subscript(offset: Int) -> Character { self[index(startIndex, offsetBy: offset)] }
}
