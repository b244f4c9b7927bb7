import Foundation
import Testing
@testable import MailMessage

/// `FoldedSearchFields` is what SEARCH FROM/TO/CC/BCC/SUBJECT scans instead of the summary: each
/// field must be exactly `SearchFolding.fold` of the summary's string, and a damaged or foreign
/// value must be refused (the store then tests the summary).
@Suite struct FoldedSearchFieldsTests {
    private func fields(_ data: Data) -> [FoldedSearchFields.Field: [UInt8]]? {
        data.withUnsafeBytes { raw in
            guard let located = FoldedSearchFields.locate(in: raw) else { return nil }
            var result: [FoldedSearchFields.Field: [UInt8]] = [:]
            for field in FoldedSearchFields.Field.allCases { result[field] = Array(located.bytes(of: field, in: raw)) }
            return result
        }
    }

    @Test func everyFieldIsTheFoldedSummaryString() throws {
        for (index, message) in SummaryCorpus.all.enumerated() {
            let summary = MessageParser.parse(message).summary
            let stored = try #require(FoldedSearchFields.encoded(summary: summary.encoded()), "message \(index)")
            let search = summary.search
            let found = try #require(fields(stored), "message \(index)")
            #expect(found[.subject] == SearchFolding.fold(search.subject), "message \(index)")
            #expect(found[.from] == SearchFolding.fold(search.from), "message \(index)")
            #expect(found[.to] == SearchFolding.fold(search.to), "message \(index)")
            #expect(found[.cc] == SearchFolding.fold(search.cc), "message \(index)")
            #expect(found[.bcc] == SearchFolding.fold(search.bcc), "message \(index)")
        }
    }

    @Test func nonASCIITextIsStoredFolded() throws {
        let message = Array("From: =?UTF-8?Q?J=C3=BCrgen_Gro=C3=9F?= <jg@example.org>\r\nSubject: CAFÉ\r\n\r\nx\r\n".utf8)
        let stored = try #require(FoldedSearchFields.encoded(summary: MessageParser.parse(message).summary.encoded()))
        let found = try #require(fields(stored))
        #expect(found[.from] == SearchFolding.fold("Jürgen Groß <jg@example.org>"))
        #expect(found[.subject] == Array("cafe\u{301}".utf8))
        #expect(found[.cc] == [])
    }

    @Test func summariesItCannotReadGiveNoValue() {
        #expect(FoldedSearchFields.encoded(summary: Data()) == nil)
        #expect(FoldedSearchFields.encoded(summary: Data(SummaryCorpus.richMessageVersion1Row.utf8)) == nil)
        #expect(FoldedSearchFields.encoded(summary: Data([MessageSummary.binaryVersion, 0x05])) == nil)
    }

    @Test func oversizedFieldsAreNotStored() {
        let long = String(repeating: "a", count: FoldedSearchFields.maximumEncodedSize)
        #expect(FoldedSearchFields.encoded(SearchText(subject: "s", from: long, to: "", cc: "", bcc: "", messageID: "",
                                                      sentDate: nil)) == nil)
    }

    static let damaged: [(name: String, bytes: [UInt8])] = [
        ("empty", []),
        ("another format", [2, 0, 0, 0, 0, 0]),
        ("too few fields", [1, 0, 0, 0, 0]),
        ("length past the end", [1, 0, 9, 0x61, 0, 0, 0]),
        ("trailing octets", [1, 0, 0, 0, 0, 0, 0x61]),
        ("endless length", [1] + [UInt8](repeating: 0xFF, count: 12)),
    ]

    @Test(arguments: damaged)
    func damagedValuesAreRefused(_ test: (name: String, bytes: [UInt8])) {
        #expect(fields(Data(test.bytes)) == nil, "\(test.name)")
    }

    @Test func lengthsBeyondOneOctetRoundTrip() throws {
        let subject = String(repeating: "Ab", count: 300)
        let stored = try #require(FoldedSearchFields.encoded(SearchText(subject: subject, from: "X", to: "", cc: "",
                                                                        bcc: "", messageID: "", sentDate: nil)))
        let found = try #require(fields(stored))
        #expect(found[.subject] == Array(subject.lowercased().utf8))
        #expect(found[.from] == Array("x".utf8))
    }
}
