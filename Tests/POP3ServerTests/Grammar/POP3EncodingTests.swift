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

    /// The byte-at-a-time definition the fast (memchr) stuffer must match, whatever the chunking.
    static func referenceStuff(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var atLineStart = true
        for byte in bytes {
            if atLineStart && byte == UInt8(ascii: ".") { out.append(byte) }
            out.append(byte)
            atLineStart = byte == UInt8(ascii: "\n")
        }
        if !atLineStart { out += Array("\r\n".utf8) }
        return out + Array(".\r\n".utf8)
    }

    @Test(arguments: [1, 2, 3, 7, 64, 4096])
    func fastStuffingMatchesTheByteByByteDefinition(chunkSize: Int) {
        // Seeded, so a failure repeats: dots, CR, LF and letters in every order, split everywhere.
        var generator = StuffingTestGenerator(seed: UInt64(chunkSize))
        let alphabet = Array(".\r\na".utf8)
        for _ in 0..<50 {
            let bytes = (0..<Int(generator.next() % 300)).map { _ in alphabet[Int(generator.next() % 4)] }
            var stuffer = POP3DotStuffer()
            var buffer = ByteBuffer()
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + chunkSize)
                stuffer.append(bytes[start..<end], to: &buffer)
                start = end
            }
            stuffer.finish(into: &buffer)
            #expect(Array(buffer.readableBytesView) == Self.referenceStuff(bytes))
        }
    }

    /// The same through `stuffed(_:allocator:)`, the path of messages read into `ByteBuffer`s.
    static func stuffBuffers(_ chunks: [[UInt8]]) -> [UInt8] {
        var stuffer = POP3DotStuffer()
        var out: [UInt8] = []
        for chunk in chunks { out += Array(stuffer.stuffed(ByteBuffer(bytes: chunk), allocator: .init()).readableBytesView) }
        var tail = ByteBuffer()
        stuffer.finish(into: &tail)
        return out + Array(tail.readableBytesView)
    }

    // RFC 1939 §3 edge cases: a dot at the start of the message, after a bare LF, right at a
    // chunk boundary (after a CRLF or a bare LF ending the previous chunk), a dot that does not
    // start a line, and a message without a final CRLF.
    @Test(arguments: [
        ([".starts\r\nx\r\n"], "..starts\r\nx\r\n.\r\n"),
        (["a\n.b\n"], "a\n..b\n.\r\n"),
        (["a\r\n", ".b\r\n"], "a\r\n..b\r\n.\r\n"),
        (["a\n", ".b"], "a\n..b\r\n.\r\n"),
        (["a\r", "\n.b\r\n"], "a\r\n..b\r\n.\r\n"),
        (["a.", ".b\r\n"], "a..b\r\n.\r\n"),
        (["x. y.\r\nz..\r\n"], "x. y.\r\nz..\r\n.\r\n"),
        (["no final crlf\r\n.last"], "no final crlf\r\n..last\r\n.\r\n"),
        ([".", ".", "."], "....\r\n.\r\n"),
        (["\n", ".", "\n", "."], "\n..\n..\r\n.\r\n"),
    ])
    func stuffingEdgeCases(chunks: [String], expected: String) {
        #expect(Self.stuff(chunks) == expected)
        #expect(String(decoding: Self.stuffBuffers(chunks.map { Array($0.utf8) }), as: UTF8.self) == expected)
    }

    @Test(arguments: [1, 2, 5, 64, 4096])
    func bufferStuffingMatchesTheByteByByteDefinition(chunkSize: Int) {
        var generator = StuffingTestGenerator(seed: UInt64(chunkSize) &+ 1000)
        let alphabet = Array(".\r\na".utf8)
        for _ in 0..<50 {
            let bytes = (0..<Int(generator.next() % 300)).map { _ in alphabet[Int(generator.next() % 4)] }
            let chunks = stride(from: 0, to: bytes.count, by: chunkSize).map { Array(bytes[$0..<min(bytes.count, $0 + chunkSize)]) }
            #expect(Self.stuffBuffers(chunks) == Self.referenceStuff(bytes))
        }
    }

    /// A chunk that needs no stuffing goes out as the very buffer it was read into (no copy);
    /// one that does is copied, stuffed.
    @Test func cleanChunksAreSentWithoutACopy() {
        var stuffer = POP3DotStuffer()
        let clean = ByteBuffer(string: "QUJD.REVG\r\nR0hJ.\r\n")
        let sent = stuffer.stuffed(clean, allocator: .init())
        let same = clean.withUnsafeReadableBytes { a in sent.withUnsafeReadableBytes { b in a.baseAddress == b.baseAddress } }
        #expect(same)
        let dotted = ByteBuffer(string: ".x\r\n")
        let stuffedCopy = stuffer.stuffed(dotted, allocator: .init())
        #expect(String(buffer: stuffedCopy) == "..x\r\n")
    }

    @Test(arguments: [
        ("abc", true, nil as Int?),
        (".abc", true, 0),
        (".abc", false, nil),
        ("a.b\n.c", false, 4),
        ("a.b\r\n.c", true, 5),
        ("a\n\n.", false, 3),
    ])
    func findsOnlyDotsThatStartALine(text: String, atLineStart: Bool, expected: Int?) {
        let found = Array(text.utf8).withUnsafeBytes { POP3DotStuffer.nextStuffedDot(in: $0, from: 0, atLineStart: atLineStart) }
        #expect(found == expected)
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

/// A tiny seeded generator (SplitMix64): reproducible test data without Foundation.
private struct StuffingTestGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
