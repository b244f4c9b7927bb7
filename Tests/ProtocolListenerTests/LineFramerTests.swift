// LineFramer fixtures: chunks as they arrive from the socket → the lines framed after each chunk.

import NIOCore
import ProtocolListener
import Testing

/// Feeds `chunks` one at a time and drains every line after each, like a handler that is never paused.
private func frame(_ chunks: [String], maxLength: Int) -> (lines: [LineFramer.Line], buffered: Int) {
    var framer = LineFramer()
    var buffer = ByteBuffer()
    var lines: [LineFramer.Line] = []
    for chunk in chunks {
        var incoming = ByteBuffer(string: chunk)
        guard framer.receive(&incoming, into: &buffer) else { continue }
        while let line = framer.nextLine(in: &buffer, maxLength: maxLength) { lines.append(line) }
    }
    return (lines, buffer.readableBytes)
}

private func line(_ text: String) -> LineFramer.Line { .line(Array(text.utf8)) }

struct LineFramerTests {
    @Test(arguments: [
        // (chunks, expected lines, octets left buffered)
        (["NOOP\r\n"], [line("NOOP")], 0),
        (["NO", "OP\r", "\n"], [line("NOOP")], 0),
        (["A\r\nB\nC"], [line("A"), line("B")], 1),
        (["\r\n"], [line("")], 0),
        (["12345678\r\n"], [line("12345678")], 0),
        // One over the limit with its LF already here: reported once, the next line survives.
        (["123456789\r\nNEXT\r\n"], [.tooLong, line("NEXT")], 0),
        // A flood with no LF yet: dropped as it arrives, the tail up to the LF too.
        (["1234567890AB", "CDEFGHIJ", "KLM\r\nNEXT\r\n"], [.tooLong, line("NEXT")], 0),
        // Exactly at the limit plus a CR still waiting for its LF: not too long yet.
        (["12345678\r", "\n"], [line("12345678")], 0),
    ] as [([String], [LineFramer.Line], Int)])
    func framesBoundedLines(chunks: [String], expected: [LineFramer.Line], buffered: Int) {
        let result = frame(chunks, maxLength: 8)
        #expect(result.lines == expected)
        #expect(result.buffered == buffered)
    }

    @Test func neverBuffersMoreThanTheLimitWhileSkipping() {
        var framer = LineFramer()
        var buffer = ByteBuffer()
        var first = ByteBuffer(repeating: UInt8(ascii: "x"), count: 100)
        #expect(framer.receive(&first, into: &buffer))
        #expect(framer.nextLine(in: &buffer, maxLength: 8) == .tooLong)
        #expect(framer.skippingLongLine)
        for _ in 0..<10 {
            var more = ByteBuffer(repeating: UInt8(ascii: "x"), count: 1000)
            #expect(!framer.receive(&more, into: &buffer))
            #expect(buffer.readableBytes == 0)
        }
    }

    @Test func resetStopsSkippingSoTheNextBytesAreFramed() {
        var framer = LineFramer()
        var buffer = ByteBuffer()
        var flood = ByteBuffer(repeating: UInt8(ascii: "x"), count: 20)
        _ = framer.receive(&flood, into: &buffer)
        #expect(framer.nextLine(in: &buffer, maxLength: 8) == .tooLong)
        framer.reset()
        var fresh = ByteBuffer(string: "EHLO\r\n")
        #expect(framer.receive(&fresh, into: &buffer))
        #expect(framer.nextLine(in: &buffer, maxLength: 8) == line("EHLO"))
    }
}
