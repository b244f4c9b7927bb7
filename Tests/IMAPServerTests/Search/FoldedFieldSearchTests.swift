// SEARCH FROM/TO/CC/BCC/SUBJECT on the folded fields stored at delivery (issue 8) must answer
// exactly as the summary test does (RFC 9051 §6.4.4: substring, case-insensitive, decoded text).

import Foundation
import MailMessage
import Testing
@testable import IMAPServer

@Suite struct FoldedFieldSearchTests {
    static let messages: [String] = [
        "From: Alice Example <alice@example.org>\r\nTo: Bob <bob@example.org>, carol@example.com\r\n"
            + "Cc: Dan <dan@example.net>\r\nBcc: eve@example.org\r\nSubject: Quarterly REPORT\r\n\r\nx\r\n",
        "From: =?UTF-8?Q?J=C3=BCrgen_Gro=C3=9F?= <jg@example.org>\r\nTo: =?UTF-8?B?w4lsb2TDrWU=?= <e@example.org>\r\n"
            + "Subject: =?UTF-8?Q?d=C3=A9placement_=C3=A0_Z=C3=BCrich?=\r\n\r\nx\r\n",
        "From: \u{212A}elvin <k@example.org>\r\nSubject: Andre\u{301} CAFÉ\r\n\r\nx\r\n",
        "Subject: no addresses at all\r\n\r\nx\r\n",
        "From: a@b\r\nFrom: second@example.org\r\nTo: x@y\r\n\r\nx\r\n",
    ]

    static let conditions: [SearchCondition] = {
        let needles = ["alice", "ALICE", "bob", "", "jürgen", "JÜRGEN", "jurgen", "groß", "kelvin", "\u{212A}",
                       "é", "café", "e", "zürich", "report", "second", "example.org", "nobody", "<", "\n"]
        var result: [SearchCondition] = []
        for needle in needles {
            for field in [SearchCondition.EnvelopeField.from, .to, .cc, .bcc, .subject] {
                result.append(.envelope(field, SearchPattern(needle)))
            }
        }
        result.append(.not(.envelope(.from, SearchPattern("alice"))))
        result.append(.or(.envelope(.to, SearchPattern("carol")), .envelope(.subject, SearchPattern("café"))))
        result.append(.and([.envelope(.from, SearchPattern("example")), .not(.envelope(.cc, SearchPattern("dan")))]))
        result.append(.constant(true))
        return result
    }()

    @Test func foldedFieldsAnswerAsTheSummaryDoes() throws {
        var matches = 0
        for (index, text) in Self.messages.enumerated() {
            let summary = MessageParser.parse(Array(text.utf8)).summary.encoded()
            let folded = try #require(FoldedSearchFields.encoded(summary: summary), "message \(index)")
            for condition in Self.conditions {
                #expect(condition.isDecidedByFoldedFields && condition.isDecidedBySummary)
                guard let expected = condition.summaryTest(summary) else {
                    Issue.record("message \(index): the summary test gave no answer")
                    continue
                }
                let answer = folded.withUnsafeBytes { condition.foldedFieldTest($0) }
                #expect(answer == expected, "message \(index), \(condition)")
                if expected { matches += 1 }
            }
        }
        // The table is not trivially all-false (or all-true).
        #expect(matches > 20 && matches < Self.messages.count * Self.conditions.count - 20)
    }

    @Test func unreadableValuesAreUndecided() {
        let condition = SearchCondition.envelope(.from, SearchPattern("a"))
        #expect(Data([9, 0, 0, 0, 0, 0]).withUnsafeBytes { condition.foldedFieldTest($0) } == nil)
        #expect(Data().withUnsafeBytes { condition.foldedFieldTest($0) } == nil)
    }

    @Test func sentDatesStayWithTheSummary() {
        let sent = SearchCondition.and([.envelope(.from, SearchPattern("a")), .sentDay(.on(SearchDay.number(year: 2026, month: 3, day: 2)))])
        #expect(sent.isDecidedBySummary)
        #expect(!sent.isDecidedByFoldedFields)
    }
}
