import Testing
@testable import MailMessage

@Suite("Header fields (RFC 5322 §2.2)")
struct HeaderFieldTests {
    @Test("unfolding", arguments: [
        ("Subject: hello\r\n\r\n", "hello"),
        ("Subject: hello\r\n world\r\n\r\n", "hello world"),
        ("Subject:hello\r\n\tworld\r\n\r\n", "hello\tworld"),
        ("Subject:   spaced   \r\n\r\n", "spaced"),
        ("Subject: a\n b\n\n", "a b"),                       // bare LF
        ("Subject: a\r\n \r\n b\r\n\r\n", "a  b"),            // whitespace-only folded line
        ("Subject:\r\n\r\n", ""),
    ])
    func unfolding(input: String, expected: String) {
        let fields = MessageParser.headerFields(of: Array(input.utf8))
        #expect(fields.count == 1)
        #expect(fields.value(of: "subject") == expected)
    }

    @Test func lookupIsCaseInsensitiveAndOrdered() {
        let bytes = Fixture.crlf("Received: one\nRECEIVED: two\nX-Custom : three\n\nbody")
        let fields = MessageParser.headerFields(of: bytes)
        #expect(fields.all(named: "received").map(\.value) == ["one", "two"])
        #expect(fields.first(named: "x-custom")?.value == "three")       // obsolete WSP before colon
        #expect(fields.first(named: "X-Custom")?.name == "X-Custom")
        #expect(fields.first(named: "missing") == nil)
    }

    @Test func rawBytesAndOffsetsSliceTheMessage() {
        let bytes = Fixture.crlf("From: a@b\nSubject: x\n y\n\nbody")
        let fields = MessageParser.headerFields(of: bytes)
        #expect(fields.count == 2)
        let subject = fields[1]
        #expect(Fixture.string(bytes, subject.range) == "Subject: x\r\n y\r\n")
        #expect(String(decoding: subject.rawValue, as: UTF8.self) == " x\r\n y")
        #expect(Fixture.string(bytes, fields.range) == "From: a@b\r\nSubject: x\r\n y\r\n\r\n")
    }

    @Test func malformedLinesAreKept() {
        let bytes = Fixture.crlf("From someone Mon Jan 1\nSubject: ok\ngarbage line\n\nbody")
        let fields = MessageParser.headerFields(of: bytes)
        #expect(fields.count == 3)
        #expect(fields[0].isMalformed)
        #expect(fields[2].isMalformed && fields[2].value == "garbage line")
        #expect(fields.value(of: "subject") == "ok")
    }

    @Test func nonUTF8BytesSurviveAsLatin1() {
        let bytes: [UInt8] = Array("Subject: caf".utf8) + [0xE9] + Array("\r\n\r\n".utf8)
        let fields = MessageParser.headerFields(of: bytes)
        #expect(fields.value(of: "Subject") == "café")
        #expect(fields[0].rawValue.last == 0xE9)
    }

    @Test func utf8HeadersStayUTF8() {
        let fields = MessageParser.headerFields(of: Array("Subject: café ☕\r\n\r\n".utf8))
        #expect(fields.value(of: "Subject") == "café ☕")
    }

    @Test func nulBytesDoNotBreakParsing() {
        let bytes: [UInt8] = Array("Subject: a".utf8) + [0] + Array("b\r\nTo: x@y\r\n\r\nbo".utf8) + [0, 0] + Array("dy".utf8)
        let parsed = MessageParser.parse(bytes)
        #expect(parsed.header.value(of: "Subject") == "a\u{0}b")
        #expect(parsed.envelope.to.first?.addressSpec == "x@y")
        #expect(parsed.bodyStructure.size == 6)
    }

    @Test func megabyteHeaderLineIsBounded() {
        var bytes = Array("Subject: ".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        bytes += Array("\r\nTo: <x@y>\r\n\r\nbody".utf8)
        let parsed = MessageParser.parse(bytes)
        #expect(parsed.header.count == 2)
        #expect(parsed.header[0].range.count == (1 << 20) + 11)
        #expect(parsed.header.value(of: "Subject")?.utf8.count == HeaderField.maximumValueLength)
        #expect(parsed.envelope.to.first?.addressSpec == "x@y")
        #expect(Fixture.string(bytes, parsed.bodyRange) == "body")
    }

    @Test func truncationKeepsUTF8Whole() {
        var bytes = Array("Subject: a".utf8)
        bytes += Array(String(repeating: "é", count: HeaderField.maximumValueLength).utf8)
        bytes += Array("\r\n\r\n".utf8)
        let value = MessageParser.headerFields(of: bytes).value(of: "Subject") ?? ""
        #expect(value.hasPrefix("aé"))
        #expect(!value.contains("Ã"))
        #expect(value.utf8.count < HeaderField.maximumValueLength)
    }

    @Test func hostileEncodedWordsStayCheap() {
        // 60 KB of "=?" openings that never close: each attempt gives up after a bounded scan.
        let value = String(repeating: "=?x?q?a", count: 9_000)
        var decoded = ""
        let elapsed = ContinuousClock().measure { decoded = EncodedWord.decode(value) }
        #expect(decoded.utf8.count == value.utf8.count)
        #expect(elapsed < .seconds(5))
    }

    @Test func fieldCountIsBounded() {
        let text = String(repeating: "X-A: 1\r\n", count: 50) + "\r\nbody"
        let fields = MessageParser.headerFields(of: Array(text.utf8), limits: .init(maximumHeaderFields: 10))
        #expect(fields.count == 10)
        #expect(fields.isTruncated)
        #expect(fields.range.count == 50 * 8 + 2)
    }

    @Test("header and body split", arguments: [
        ("A: 1\r\n\r\nbody", 8, "body"),
        ("A: 1\n\nbody", 6, "body"),
        ("A: 1\r\n", 6, ""),                 // no blank line: all header, no body
        ("\r\nbody", 2, "body"),             // empty header
        ("", 0, ""),
    ])
    func split(input: String, headerLength: Int, body: String) {
        let bytes = Array(input.utf8)
        let parsed = MessageParser.parse(bytes)
        #expect(parsed.summary.headerLength == headerLength)
        #expect(Fixture.string(bytes, parsed.bodyRange) == body)
    }
}
