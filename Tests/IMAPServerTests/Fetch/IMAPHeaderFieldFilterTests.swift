import Testing
@testable import IMAPServer

@Suite struct IMAPHeaderFieldFilterTests {
    static let header = "Received: from a\r\n\tby b\r\nsubject : Folded\r\n more\r\nFROM: x@y\r\nbad line\r\nX-A: 1\r\n\r\n"

    @Test(arguments: [
        (["From", "Subject"], true, "subject : Folded\r\n more\r\nFROM: x@y\r\n\r\n"),
        (["received"], true, "Received: from a\r\n\tby b\r\n\r\n"),
        (["Nope"], true, "\r\n"),
        (["received", "SUBJECT"], false, "FROM: x@y\r\nX-A: 1\r\n\r\n"),
        (["X-A:"], true, "\r\n"),
        (["from", "FROM", "x-A"], true, "FROM: x@y\r\nX-A: 1\r\n\r\n"),     // duplicates, either case
        (["Fröm", "Subjec"], true, "\r\n"),                                  // no near misses
    ])
    func filtersByName(names: [String], keeps: Bool, expected: String) {
        let output = IMAPHeaderFieldFilter(names: names, keepsMatches: keeps).filter(Array(Self.header.utf8))
        #expect(String(decoding: output, as: UTF8.self) == expected)
    }

    @Test func aHeaderWithoutBlankLineGetsNone() {
        let output = IMAPHeaderFieldFilter(names: ["a"], keepsMatches: true).filter(Array("A: 1\r\nB: 2\r\n".utf8))
        #expect(String(decoding: output, as: UTF8.self) == "A: 1\r\n")
    }

    @Test func bareLineFeedsAreKeptAsStoredAndTheBlankLineIsCRLF() {
        let output = IMAPHeaderFieldFilter(names: ["a"], keepsMatches: true).filter(Array("A: 1\n x\nB: 2\n\nbody".utf8))
        #expect(String(decoding: output, as: UTF8.self) == "A: 1\n x\n\r\n")
    }
}
