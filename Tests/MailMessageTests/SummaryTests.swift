import Foundation
import Testing
@testable import MailMessage

@Suite("MessageSummary")
struct SummaryTests {
    @Test func roundTrip() throws {
        for bytes in [MIMETreeTests.simple, MIMETreeTests.alternative, MIMETreeTests.mixed, MIMETreeTests.nested] {
            let summary = MessageParser.parse(bytes).summary
            let data = summary.encoded()
            #expect(!data.isEmpty)
            #expect(try MessageSummary.decode(data) == summary)
        }
    }

    @Test func storedFormIsCompact() {
        let data = MessageParser.parse(MIMETreeTests.alternative).summary.encoded()
        #expect(data.count < 800)
    }

    @Test func decodeRejectsGarbageAndNewerVersions() {
        #expect(throws: (any Error).self) { try MessageSummary.decode(Data("{}".utf8)) }
        #expect(throws: (any Error).self) { try MessageSummary.decode(Data([0xFF, 0x00])) }
        var json = String(decoding: MessageParser.parse(MIMETreeTests.simple).summary.jsonEncoded(), as: UTF8.self)
        json = json.replacingOccurrences(of: "\"v\":\(MessageSummary.formatVersion)", with: "\"v\":99")
        #expect(json.contains("\"v\":99"))
        #expect(throws: (any Error).self) { try MessageSummary.decode(Data(json.utf8)) }
    }

    @Test func sizesAndSearchText() throws {
        let bytes = MIMETreeTests.mixed
        let summary = MessageParser.parse(bytes).summary
        #expect(summary.totalSize == bytes.count)
        #expect(summary.headerLength == summary.bodyStructure.headerRange.count)
        #expect(summary.search.from == "a@example.com")
        #expect(summary.search.to == "b@example.com")
        #expect(summary.search.subject == "report")
        #expect(summary.preview == "See attached.")
    }

    @Test func sentDate() throws {
        let bytes = Fixture.crlf("Date: Tue, 1 Jul 2003 10:52:37 +0200\nMessage-ID: <x@y>\n\nhi")
        let summary = MessageParser.parse(bytes).summary
        let sent = try #require(summary.search.sentDate)
        #expect(sent.date == Date(timeIntervalSince1970: 1_057_049_557))
        #expect(sent.timeZoneOffset == 7_200)
        #expect(summary.search.messageID == "<x@y>")
    }

    @Test("preview", arguments: [
        ("Content-Type: text/plain\n\n  Hello\n\n  world  \n", "Hello world"),
        ("Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\ncaf=E9 =\nsoft\n", "café soft"),
        ("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nY2Fmw6k=\n", "café"),
        ("Content-Type: text/html\n\n<html><head><title>T</title><style>p{}</style></head><body><p>Hi&amp;bye&#33;</p><!-- c --><script>x()</script>&nbsp;end</body></html>\n",
         "Hi&bye! end"),
        ("Content-Type: image/png\n\nxxxx\n", nil),
        ("Content-Type: multipart/alternative; boundary=a\n\n--a\nContent-Type: text/html\n\n<b>html</b>\n--a\nContent-Type: text/plain\n\nplain wins\n--a--\n",
         "plain wins"),
        ("Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: text/plain\nContent-Disposition: attachment\n\nattached\n--a\nContent-Type: text/html\n\n<i>body</i>\n--a--\n",
         "body"),
    ] as [(String, String?)])
    func preview(input: String, expected: String?) {
        #expect(MessageParser.parse(Fixture.crlf(input)).summary.preview == expected)
    }

    @Test func previewIsAtMost200Characters() throws {
        let body = String(repeating: "é ", count: 5_000)
        let preview = try #require(MessageParser.parse(Fixture.crlf("Content-Type: text/plain; charset=utf-8\n\n" + body)).summary.preview)
        #expect(preview.unicodeScalars.count <= 200)
        #expect(preview.hasPrefix("é é"))
    }
}
