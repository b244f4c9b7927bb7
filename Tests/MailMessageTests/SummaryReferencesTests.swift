// Format 3 of the stored summary adds the References header (for IMAP THREAD=REFERENCES);
// rows stored in format 2 must keep decoding.

import Foundation
import Testing
@testable import MailMessage

@Suite("MessageSummary References (format 3)")
struct SummaryReferencesTests {
    static let reply = Array("""
        From: a@example.test\r
        Subject: Re: hi\r
        Message-ID: <3@x>\r
        In-Reply-To: <2@x>\r
        References: <1@x>\r
         <2@x>\r
        \r
        body\r

        """.utf8)

    @Test func referencesAreKeptAndRoundTrip() throws {
        let summary = MessageParser.parse(Self.reply).summary
        #expect(summary.search.references.contains("<1@x>"))
        #expect(summary.search.references.contains("<2@x>"))
        let data = summary.encoded()
        #expect(data.first == 3)
        #expect(try MessageSummary.decode(data) == summary)
        // The JSON form (format 1 rows and deep trees) carries them too.
        #expect(try MessageSummary.decode(summary.jsonEncoded()) == summary)
    }

    @Test func formatTwoRowsStillDecodeWithoutReferences() throws {
        var summary = MessageParser.parse(Self.reply).summary
        summary.search.references = ""
        // A format 2 row is format 3 without the trailing string (here "", one zero octet).
        var bytes = Array(summary.encoded())
        #expect(bytes.last == 0)
        bytes.removeLast()
        bytes[0] = 2
        #expect(try MessageSummary.decode(bytes: bytes) == summary)
    }

    @Test func aHugeReferencesHeaderKeepsItsTail() {
        let ids = (1...2000).map { "<\($0)@example.test>" }.joined(separator: " ")
        let text = SearchText(references: ids)
        #expect(text.references.utf8.count == SearchText.maximumReferencesOctets)
        #expect(text.references.hasSuffix("<2000@example.test>"))
    }
}
