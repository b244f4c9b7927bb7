import NIOCore
import Testing
@testable import POP3Server

@Suite struct POP3EncodingTests {
    static func encode(_ response: POP3Response) -> String {
        var buffer = ByteBuffer()
        response.encode(into: &buffer)
        return String(buffer: buffer)
    }

    @Test func singleLineResponsesWithAndWithoutCodes() {
        #expect(Self.encode(.ok("2 320")) == "+OK 2 320\r\n")
        #expect(Self.encode(.ok("")) == "+OK\r\n")
        #expect(Self.encode(.err("maildrop locked", code: .inUse)) == "-ERR [IN-USE] maildrop locked\r\n")
        #expect(Self.encode(.err("bad", code: .sysTemp)) == "-ERR [SYS/TEMP] bad\r\n")
        #expect(Self.encode(.err("no", code: .auth)) == "-ERR [AUTH] no\r\n")
    }

    @Test func multiLineResponsesAreStuffedAndTerminated() {
        #expect(Self.encode(.ok("list", lines: ["1 120", ".hidden", ""])) == "+OK list\r\n1 120\r\n..hidden\r\n\r\n.\r\n")
        #expect(Self.encode(.ok("none", lines: [])) == "+OK none\r\n.\r\n")
    }

    static func stuff(_ chunks: [String]) -> String {
        var stuffer = POP3DotStuffer()
        var buffer = ByteBuffer()
        for chunk in chunks { stuffer.append(ArraySlice(chunk.utf8), to: &buffer) }
        stuffer.finish(into: &buffer)
        return String(buffer: buffer)
    }

    @Test(arguments: [
        (["a\r\n.b\r\n..c\r\n.\r\nd.e\r\n"], "a\r\n..b\r\n...c\r\n..\r\nd.e\r\n.\r\n"),
        ([".first\r\n"], "..first\r\n.\r\n"),
        (["no final newline"], "no final newline\r\n.\r\n"),
        ([""], ".\r\n"),
        (["a\r", "\n", ".", "b\r\n"], "a\r\n..b\r\n.\r\n"),
        (["line\r\n", ".", ".\r\n"], "line\r\n...\r\n.\r\n"),
        (["bare\n.lf\n"], "bare\n..lf\n.\r\n"),
    ])
    func stuffsAcrossChunkBoundaries(chunks: [String], expected: String) {
        #expect(Self.stuff(chunks) == expected)
    }

    @Test(arguments: [
        ("H: 1\r\nI: 2\r\n\r\nb1\r\nb2\r\nb3\r\n", 0, "H: 1\r\nI: 2\r\n\r\n"),
        ("H: 1\r\nI: 2\r\n\r\nb1\r\nb2\r\nb3\r\n", 2, "H: 1\r\nI: 2\r\n\r\nb1\r\nb2\r\n"),
        ("H: 1\r\n\r\nb1\r\nb2", 5, "H: 1\r\n\r\nb1\r\nb2"),
        ("H: 1\r\nno blank line", 3, "H: 1\r\nno blank line"),
        ("H: 1\n\nbody\n", 1, "H: 1\n\nbody\n"),
        ("H: 1\r\n\r\n\r\n\r\nx\r\n", 2, "H: 1\r\n\r\n\r\n\r\n"),
    ])
    func topStopsAfterHeaderAndRequestedLines(message: String, lines: Int, expected: String) {
        let bytes = Array(message.utf8)
        let length = POP3MessageExtent.topLength(of: bytes, bodyLines: lines)
        #expect(String(decoding: bytes[..<length], as: UTF8.self) == expected)
    }
}
