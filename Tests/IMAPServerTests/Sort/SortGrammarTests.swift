// SORT, THREAD and SETQUOTA parsing (RFC 5256 §5, RFC 5957 §5, RFC 9208 §7), and the SORT and
// THREAD responses on the wire.

import IMAPServer
import Testing

@Suite("SORT/THREAD/QUOTA grammar")
struct SortGrammarTests {
    static func parse(_ text: String) -> IMAPCommandKind? {
        try? IMAPCommandParser.parse(IMAPCommandFrame(text)).kind
    }

    @Test(arguments: [
        ("a SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994",
         IMAPCommandKind.sort(IMAPSortCommand(criteria: [IMAPSortCriterion(.subject)], charset: "UTF-8",
                                              key: .since(IMAPCommandParserTests.date(1994, 2, 1))))),
        ("a SORT (SUBJECT REVERSE DATE) UTF-8 ALL",
         .sort(IMAPSortCommand(criteria: [IMAPSortCriterion(.subject), IMAPSortCriterion(.date, reverse: true)],
                               charset: "UTF-8", key: .all))),
        ("a uid sort (reverse arrival displayfrom) us-ascii seen unseen",
         .uidSort(IMAPSortCommand(criteria: [IMAPSortCriterion(.arrival, reverse: true), IMAPSortCriterion(.displayFrom)],
                                  charset: "us-ascii", key: .and([.seen, .unseen])))),
        ("a THREAD ORDEREDSUBJECT UTF-8 ALL",
         .thread(IMAPThreadCommand(algorithm: .orderedSubject, charset: "UTF-8", key: .all))),
        ("a UID THREAD references \"US-ASCII\" ALL",
         .uidThread(IMAPThreadCommand(algorithm: .references, charset: "US-ASCII", key: .all))),
        ("a SETQUOTA \"\" (STORAGE 512 message 10)",
         .setQuota("", [IMAPQuotaLimit("STORAGE", limit: 512), IMAPQuotaLimit("MESSAGE", limit: 10)])),
        ("a SETQUOTA \"\" ()", .setQuota("", [])),
    ] as [(String, IMAPCommandKind)])
    func parses(_ text: String, _ expected: IMAPCommandKind) {
        #expect(Self.parse(text) == expected)
    }

    @Test(arguments: [
        "a SORT SUBJECT UTF-8 ALL",          // criteria must be parenthesized
        "a SORT () UTF-8 ALL",               // at least one criterion
        "a SORT (REVERSE) UTF-8 ALL",
        "a SORT (SUBJECT BOGUS) UTF-8 ALL",
        "a SORT (SUBJECT) UTF-8",            // charset without criteria
        "a SORT (SUBJECT) ALL",              // charset is mandatory: "ALL" is the charset here
        "a THREAD UTF-8 ALL",
        "a THREAD FANCY UTF-8 ALL",
        "a SETQUOTA \"\" (STORAGE)",
    ])
    func rejects(_ text: String) {
        #expect(Self.parse(text) == nil)
    }

    @Test func encodesResponses() {
        let encoder = IMAPResponseEncoderTests.rev1
        #expect(IMAPResponseEncoderTests.encode(.untagged(.sort([2, 3, 6])), encoder) == "* SORT 2 3 6\r\n")
        #expect(IMAPResponseEncoderTests.encode(.untagged(.sort([])), encoder) == "* SORT\r\n")
        #expect(IMAPResponseEncoderTests.encode(.untagged(.thread(IMAPThreadList())), encoder) == "* THREAD\r\n")
        let list = IMAPThreadList([.open, .number(2), .close, .open, .number(3), .number(6),
                                   .open, .number(4), .close, .open, .number(44), .close, .close])
        #expect(IMAPResponseEncoderTests.encode(.untagged(.thread(list)), encoder) == "* THREAD (2)(3 6 (4)(44))\r\n")
    }
}
