// ESEARCH, SEARCH and SEARCHRES answers built from matches (RFC 4731 §3.1–3.2, RFC 7162 §3.1.5–
// 3.1.10, RFC 5182 §2.4), and a parsed client command run end to end.

import Foundation
import MailStore
import Testing
@testable import IMAPServer

@Suite struct IMAPSearchResultTests {
    static func result(_ rows: [(sequence: UInt32, uid: UInt32, modSeq: UInt64)]) -> IMAPSearchResult {
        IMAPSearchResult(matches: rows.map { row in
            IMAPSearchCandidate(sequenceNumber: row.sequence, message: StoredMessage(
                id: Int64(row.uid), mailboxID: 1, uid: row.uid, modSeq: row.modSeq, flags: [],
                internalDate: Date(timeIntervalSince1970: 0), saveDate: Date(timeIntervalSince1970: 0), size: 10,
                contentSHA256: "", prefixLength: 0, metadata: Data()))
        })
    }

    static let sample = result([(2, 20, 50), (3, 30, 90), (4, 31, 60), (5, 32, 10), (9, 70, 40)])
    static let empty = result([])

    static let compactingCases: [([UInt32], String?)] = [
        ([], nil),
        ([7], "7"),
        ([1, 2, 3, 5], "1:3,5"),
        ([8, 7, 1, 3, 2, 5, 5], "1:3,5,7:8"),
        ([4_294_967_294, 4_294_967_295, 1], "1,4294967294:4294967295"),
    ]

    @Test(arguments: compactingCases)
    func compactSequenceSets(_ numbers: [UInt32], _ expected: String?) {
        #expect(IMAPSequenceSet(compacting: numbers)?.description == expected)
    }

    static let eSearchCases: [([IMAPSearchCommand.ReturnOption], Bool, IMAPESearchResponse)] = [
        ([.min, .count], false, IMAPESearchResponse(tag: "A1", uid: false, min: 2, count: 5)),
        ([.min, .max], true, IMAPESearchResponse(tag: "A1", uid: true, min: 20, max: 70)),
        ([.all], false, IMAPESearchResponse(tag: "A1", uid: false, all: IMAPSequenceSet(compacting: [2, 3, 4, 5, 9]))),
        ([], true, IMAPESearchResponse(tag: "A1", uid: true, all: IMAPSequenceSet(compacting: [20, 30, 31, 32, 70]))),
        ([.count, .save], false, IMAPESearchResponse(tag: "A1", uid: false, count: 5)),
    ]

    @Test(arguments: eSearchCases)
    func eSearchResults(_ options: [IMAPSearchCommand.ReturnOption], _ uid: Bool, _ expected: IMAPESearchResponse) {
        #expect(Self.sample.eSearchResponse(tag: "A1", uid: uid, options: options, keyMentionsModSequence: false) == expected)
    }

    @Test func emptyResultKeepsOnlyCount() {
        let response = Self.empty.eSearchResponse(tag: "A2", uid: false, options: [.min, .max, .all, .count],
                                                  keyMentionsModSequence: true)
        #expect(response == IMAPESearchResponse(tag: "A2", uid: false, count: 0))
        #expect(Self.empty.searchResponse(uid: false, keyMentionsModSequence: true) == .search([], modSequence: nil))
    }

    // RFC 4731 §3.2: single MIN or MAX → that message's; MIN+MAX alone → the higher of the two;
    // otherwise the highest of all matches.
    static let modSequenceCases: [([IMAPSearchCommand.ReturnOption], UInt64)] = [
        ([.min], 50), ([.max], 40), ([.min, .max], 50), ([.min, .count], 90), ([.all], 90), ([], 90),
    ]

    @Test(arguments: modSequenceCases)
    func modSequenceResult(_ options: [IMAPSearchCommand.ReturnOption], _ expected: UInt64) {
        let response = Self.sample.eSearchResponse(tag: nil, uid: false, options: options, keyMentionsModSequence: true)
        #expect(response.modSequence == expected)
        let without = Self.sample.eSearchResponse(tag: nil, uid: false, options: options, keyMentionsModSequence: false)
        #expect(without.modSequence == nil)
    }

    @Test func searchResponse() {
        #expect(Self.sample.searchResponse(uid: false, keyMentionsModSequence: true) == .search([2, 3, 4, 5, 9], modSequence: 90))
        #expect(Self.sample.searchResponse(uid: true, keyMentionsModSequence: false) == .search([20, 30, 31, 32, 70], modSequence: nil))
    }

    // RFC 5182 §2.4 table.
    static let savedCases: [([IMAPSearchCommand.ReturnOption], [UInt32])] = [
        ([.save], [20, 30, 31, 32, 70]),
        ([.save, .min], [20]),
        ([.save, .max], [70]),
        ([.save, .min, .max], [20, 70]),
        ([.save, .min, .count], [20, 30, 31, 32, 70]),
        ([.save, .all, .max], [20, 30, 31, 32, 70]),
    ]

    @Test(arguments: savedCases)
    func savedResult(_ options: [IMAPSearchCommand.ReturnOption], _ expected: [UInt32]) {
        #expect(Self.sample.savedUIDs(options: options) == expected)
    }

    @Test func savedMinMaxOfOneMatchIsOneUID() {
        #expect(Self.result([(1, 5, 1)]).savedUIDs(options: [.save, .min, .max]) == [5])
        #expect(Self.empty.savedUIDs(options: [.save, .min]) == [])
    }

    @Test func mentionsModSequence() {
        #expect(IMAPSearchKey.and([.seen, .or(.flagged, .not(.modSequence(IMAPSearchModSequence(value: 3))))]).mentionsModSequence)
        #expect(!IMAPSearchKey.and([.seen, .or(.flagged, .not(.all))]).mentionsModSequence)
    }

    /// A client command through the real parser, then the engine, then the ESEARCH helper.
    @Test func parsedCommandEndToEnd() async throws {
        let text = "A7 UID SEARCH RETURN (MIN MAX COUNT) CHARSET UTF-8 OR (UNSEEN FROM {6+}\r\nAndré) SUBJECT hello"
        let command = try IMAPCommandParser.parse(IMAPCommandFrame(text))
        guard case .uidSearch(let search) = command.kind else {
            Issue.record("expected UID SEARCH, got \(command)")
            return
        }
        #expect(IMAPSearchEngine.supportsCharset(search.charset ?? "UTF-8"))
        let (candidates, reader) = SearchFixtures.mailbox()
        let matches = try await IMAPSearchEngine(reader: reader).search(search.key, candidates: candidates,
                                                                       highestSequenceNumber: 4, highestUID: 40,
                                                                       savedResult: nil)
        let response = IMAPSearchResult(matches: matches).eSearchResponse(
            tag: command.tag, uid: true, options: search.returnOptions ?? [.all],
            keyMentionsModSequence: search.key.mentionsModSequence)
        #expect(response == IMAPESearchResponse(tag: "A7", uid: true, min: 10, max: 20, count: 2))
    }
}
