import Foundation
import Testing
@testable import MailMessage

@Suite("MIME tree (RFC 2045/2046)")
struct MIMETreeTests {
    static let simple = Fixture.crlf("""
        From: John Doe <jdoe@machine.example>
        Subject: Saying Hello

        This is a message just to say hello.
        So, "Hello".

        """)

    static let alternative = Fixture.crlf("""
        From: a@example.com
        MIME-Version: 1.0
        Content-Type: multipart/alternative; boundary="XX"

        preamble
        --XX
        Content-Type: text/plain; charset=utf-8

        plain
        --XX
        Content-Type: text/html; charset=utf-8
        Content-Transfer-Encoding: quoted-printable

        <p>caf=C3=A9</p>
        --XX--
        epilogue

        """)

    static let mixed = Fixture.crlf("""
        From: a@example.com
        To: b@example.com
        Subject: report
        Content-Type: multipart/mixed;
         boundary="=_outer"

        --=_outer
        Content-Type: text/plain

        See attached.
        --=_outer
        Content-Type: application/pdf;
         name*0*=utf-8''r%C3%A9sum;
         name*1*=%C3%A9.pdf
        Content-Transfer-Encoding: base64
        Content-ID: <part2@example.com>
        Content-Description: The report
        Content-Disposition: attachment; filename="report.pdf"; size=12
        Content-Language: en, fr
        Content-Location: http://example.com/
         report.pdf
        Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==

        JVBERi0xLjQK
        JVBERi0xLjQK
        --=_outer--

        """)

    static let nested = Fixture.crlf("""
        From: outer@example.com
        Subject: fwd
        Content-Type: multipart/mixed; boundary=b1

        --b1
        Content-Type: text/plain; charset=us-ascii

        forwarding
        --b1
        Content-Type: message/rfc822

        From: Inner <inner@example.com>
        To: someone@example.org
        Subject: inner subject
        Date: Tue, 1 Jul 2003 10:52:37 +0200
        Message-ID: <inner@example.com>
        Content-Type: multipart/alternative; boundary=b2

        --b2
        Content-Type: text/plain

        inner plain
        --b2
        Content-Type: text/html

        <b>inner</b>
        --b2--

        --b1--

        """)

    @Test func simpleText() {
        let parsed = MessageParser.parse(Self.simple)
        let root = parsed.bodyStructure
        #expect(root.contentType == .default)
        #expect(root.content == .single)
        #expect(root.size == 52)   // 38 + 14 octets, CRLF included
        #expect(root.lineCount == 2)
        #expect(IMAPRendering.body(root, extended: false) == #"("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 52 2)"#)
        #expect(Fixture.string(Self.simple, root.headerRange).hasSuffix("Subject: Saying Hello\r\n\r\n"))
    }

    @Test func multipartAlternative() throws {
        let bytes = Self.alternative
        let root = MessageParser.parse(bytes).bodyStructure
        #expect(root.parts.count == 2)
        #expect(IMAPRendering.body(root, extended: false) ==
            #"(("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 5 1)("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" 16 1) "ALTERNATIVE")"#)
        #expect(IMAPRendering.body(root, extended: true) ==
            #"(("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 5 1 NIL NIL NIL NIL)("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" 16 1 NIL NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "XX") NIL NIL NIL)"#)
        let html = try #require(root.part(at: [2]))
        #expect(Fixture.string(bytes, html.bodyRange) == "<p>caf=C3=A9</p>")
        #expect(Fixture.string(bytes, html.headerRange) ==
            "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
        #expect(Fixture.string(bytes, try #require(root.part(at: [1])).bodyRange) == "plain")
        // BODY[TEXT] of a multipart message includes preamble, delimiters and epilogue.
        #expect(Fixture.string(bytes, root.bodyRange).hasPrefix("preamble\r\n--XX\r\n"))
        #expect(Fixture.string(bytes, root.bodyRange).hasSuffix("--XX--\r\nepilogue\r\n"))
    }

    @Test func mixedWithAttachment() throws {
        let bytes = Self.mixed
        let root = MessageParser.parse(bytes).bodyStructure
        #expect(IMAPRendering.body(root, extended: true) == #"""
            (("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 13 1 NIL NIL NIL NIL)("APPLICATION" "PDF" ("NAME" "résumé.pdf") "<part2@example.com>" "The report" "BASE64" 26 NIL ("ATTACHMENT" ("FILENAME" "report.pdf" "SIZE" "12")) ("en" "fr") "http://example.com/report.pdf") "MIXED" ("BOUNDARY" "=_outer") NIL NIL NIL)
            """#.replacingOccurrences(of: "26 NIL (", with: "26 \"Q2hlY2sgSW50ZWdyaXR5IQ==\" ("))
        let attachment = try #require(root.part(at: [2]))
        #expect(Fixture.string(bytes, attachment.bodyRange) == "JVBERi0xLjQK\r\nJVBERi0xLjQK")
        #expect(String(decoding: ContentDecoder.decode(bytes[attachment.bodyRange], encoding: attachment.encoding), as: UTF8.self)
            == "%PDF-1.4\n%PDF-1.4\n")
        #expect(attachment.disposition?.filename == "report.pdf")
        #expect(root.part(at: [3]) == nil)
        #expect(root.part(at: [2, 1]) == nil)
    }

    @Test func nestedMessage() throws {
        let bytes = Self.nested
        let parsed = MessageParser.parse(bytes)
        let root = parsed.bodyStructure
        let forwarded = try #require(root.part(at: [2]))
        let message = try #require(forwarded.message)
        #expect(message.envelope.subject == "inner subject")
        #expect(message.envelope.from.first?.displayName == "Inner")
        #expect(message.envelope.sender == message.envelope.from)
        #expect(message.body.parts.count == 2)
        // BODY[2.HEADER], BODY[2.TEXT], BODY[2.1], BODY[2.2.MIME]
        #expect(Fixture.string(bytes, message.body.headerRange).hasPrefix("From: Inner <inner@example.com>\r\n"))
        #expect(Fixture.string(bytes, message.body.headerRange).hasSuffix("boundary=b2\r\n\r\n"))
        #expect(Fixture.string(bytes, message.body.bodyRange).hasPrefix("--b2\r\n"))
        #expect(Fixture.string(bytes, try #require(root.part(at: [2, 1])).bodyRange) == "inner plain")
        #expect(Fixture.string(bytes, try #require(root.part(at: [2, 2])).headerRange) == "Content-Type: text/html\r\n\r\n")
        // BODY[2] is the whole encapsulated message.
        #expect(forwarded.bodyRange.lowerBound == message.body.headerRange.lowerBound)
        #expect(forwarded.bodyRange.upperBound == message.body.bodyRange.upperBound)
        #expect(forwarded.lineCount == 16)   // the CRLF before "--b1--" belongs to the delimiter
        let rendered = IMAPRendering.body(forwarded, extended: false)
        #expect(rendered == #"""
            ("MESSAGE" "RFC822" NIL NIL NIL "7BIT" \#(forwarded.size) ("Tue, 1 Jul 2003 10:52:37 +0200" "inner subject" (("Inner" NIL "inner" "example.com")) (("Inner" NIL "inner" "example.com")) (("Inner" NIL "inner" "example.com")) ((NIL NIL "someone" "example.org")) NIL NIL NIL "<inner@example.com>") (("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 11 1)("TEXT" "HTML" ("CHARSET" "us-ascii") NIL NIL "7BIT" 12 1) "ALTERNATIVE") 16)
            """#)
        #expect(parsed.summary.preview == "forwarding")
    }

    @Test func missingCloseDelimiterIsTolerated() {
        let bytes = Fixture.crlf("Content-Type: multipart/mixed; boundary=x\n\n--x\n\none\n--x\n\ntwo\n")
        let root = MessageParser.parse(bytes).bodyStructure
        #expect(root.parts.count == 2)
        #expect(Fixture.string(bytes, root.parts[1].bodyRange) == "two\r\n")
        #expect(root.parts[0].headerRange.count == 2)   // just the blank line
    }

    @Test func boundaryNeverFoundKeepsTheContent() {
        let bytes = Fixture.crlf("Content-Type: multipart/mixed; boundary=nothere\n\nhello\n")
        let root = MessageParser.parse(bytes).bodyStructure
        #expect(root.parts.count == 1)
        #expect(Fixture.string(bytes, root.parts[0].bodyRange) == "hello\r\n")
    }

    @Test func multipartWithoutBoundaryIsOpaque() {
        let root = MessageParser.parse(Fixture.crlf("Content-Type: multipart/mixed\n\n--x\n\nhi\n--x--\n")).bodyStructure
        #expect(root.content == .single)
        #expect(root.contentType.type == "application" && root.contentType.subtype == "octet-stream")
    }

    @Test func delimiterMustBeAlone() {
        // "--xy" is not a delimiter for boundary "x"; padding after the delimiter is allowed.
        let bytes = Fixture.crlf("Content-Type: multipart/mixed; boundary=x\n\n--x \t\n\nline\n--xy\n--x--\n")
        let root = MessageParser.parse(bytes).bodyStructure
        #expect(root.parts.count == 1)
        #expect(Fixture.string(bytes, root.parts[0].bodyRange) == "line\r\n--xy")
    }

    @Test func partWithoutHeaderOrBlankLine() {
        let bytes = Fixture.crlf("Content-Type: multipart/mixed; boundary=x\n\n--x\nno header here\n--x--\n")
        let part = MessageParser.parse(bytes).bodyStructure.parts[0]
        #expect(part.headerRange.isEmpty)
        #expect(Fixture.string(bytes, part.bodyRange) == "no header here")
        #expect(part.contentType == .default)
    }

    @Test func digestDefaultsToMessage() throws {
        let bytes = Fixture.crlf("Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: one\n\nbody one\n--d--\n")
        let part = try #require(MessageParser.parse(bytes).bodyStructure.part(at: [1]))
        #expect(part.contentType.isEncapsulatedMessage)
        #expect(part.message?.envelope.subject == "one")
    }

    @Test func encodedMessageIsOpaque() {
        let bytes = Fixture.crlf("Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\nU3ViamVjdDogeAoK\n")
        let root = MessageParser.parse(bytes).bodyStructure
        #expect(root.message == nil)
        #expect(root.contentType.subtype == "octet-stream")
        #expect(root.encoding == "base64")
    }

    @Test func invalidContentTypeFallsBackToDefault() {
        let root = MessageParser.parse(Fixture.crlf("Content-Type: garbage\n\nx")).bodyStructure
        #expect(root.contentType == .default)
    }

    @Test func deepNestingIsBoundedAndFast() {
        let depth = 1_000
        var text = ""
        for level in 0..<depth { text += "Content-Type: multipart/mixed; boundary=b\(level)\n\n--b\(level)\n" }
        text += "Content-Type: text/plain\n\ndeep\n"
        for level in (0..<depth).reversed() { text += "--b\(level)--\n" }
        let bytes = Fixture.crlf(text)
        let start = ContinuousClock.now
        let parsed = MessageParser.parse(bytes)
        let elapsed = ContinuousClock.now - start
        var node = parsed.bodyStructure
        var levels = 0
        while let first = node.parts.first { node = first; levels += 1 }
        #expect(levels == MessageParser.Limits.default.maximumDepth)
        #expect(node.contentType.subtype == "octet-stream")
        #expect(elapsed < .seconds(5))
        // The stored form of the deepest allowed tree decodes back.
        #expect((try? MessageSummary.decode(parsed.summary.encoded())) == parsed.summary)
    }

    @Test func deepMessageNestingIsBounded() {
        let text = String(repeating: "Content-Type: message/rfc822\n\n", count: 1_000) + "Subject: bottom\n\nx\n"
        let parsed = MessageParser.parse(Fixture.crlf(text))
        var node = parsed.bodyStructure
        var levels = 0
        while let message = node.message { node = message.body; levels += 1 }
        #expect(levels == MessageParser.Limits.default.maximumDepth)
        #expect((try? MessageSummary.decode(parsed.summary.encoded())) == parsed.summary)
    }

    @Test func tenThousandParts() {
        var text = "Content-Type: multipart/mixed; boundary=p\n\n"
        for index in 0..<10_000 { text += "--p\nContent-Type: text/plain\n\npart \(index)\n" }
        text += "--p--\n"
        let bytes = Fixture.crlf(text)
        let root = MessageParser.parse(bytes).bodyStructure
        // The root counts toward the limit of 10,000 parts, so one part is left out.
        #expect(root.parts.count == 9_999)
        #expect(root.partCount == 10_000)
        #expect(Fixture.string(bytes, root.parts[9_998].bodyRange) == "part 9998")
        let limited = MessageParser.parse(bytes, limits: .init(maximumParts: 100)).bodyStructure
        #expect(limited.partCount == 100)
    }
}
