// COMPRESS=DEFLATE switched on by the framing handler (RFC 4978 §3): the tagged OK leaves in
// plain text, everything after it is compressed both ways.

import NIOCore
import NIOEmbedded
import Testing
@testable import IMAPServer

@Suite struct IMAPFramingHandlerCompressionTests {
    typealias Harness = IMAPFramingHarness

    /// Everything written since the last call, inflated.
    static func inflatedOutput(_ harness: Harness, _ inflater: RawInflater) throws -> String {
        var text = ""
        while var wire = try harness.channel.readOutbound(as: ByteBuffer.self) {
            while wire.readableBytes > 0 || inflater.mayHaveOutput {
                let chunk = try inflater.inflate(&wire, limit: 65_536, allocator: harness.channel.allocator)
                if chunk.readableBytes == 0 { break }
                text += String(buffer: chunk)
            }
        }
        return text
    }

    static func deflated(_ text: String, _ deflater: RawDeflater) throws -> [UInt8] {
        var output = ByteBuffer()
        try deflater.deflate(ByteBuffer(string: text), flush: true, into: &output)
        return Array(output.readableBytesView)
    }

    @Test func theOKIsPlainAndWhatFollowsIsCompressed() throws {
        let harness = try Harness()
        try harness.feed("c COMPRESS DEFLATE\r\n")
        #expect(try harness.frame() == Harness.command("c COMPRESS DEFLATE"))
        #expect(try harness.answer("c OK DEFLATE active\r\n", then: .startCompression) == "c OK DEFLATE active\r\n")

        let deflater = try RawDeflater()
        let inflater = try RawInflater()
        try harness.feed(try Self.deflated("d NOOP\r\n", deflater), byteByByte: true)
        #expect(try harness.frame() == Harness.command("d NOOP"))
        try harness.channel.writeOutbound(IMAPOutboundInstruction.send(ByteBuffer(string: "d OK NOOP completed\r\n"), then: .command))
        #expect(try Self.inflatedOutput(harness, inflater) == "d OK NOOP completed\r\n")

        // A streamed response: each part decodes as soon as it arrives.
        try harness.feed(try Self.deflated("e FETCH 1:2 (FLAGS)\r\n", deflater))
        #expect(try harness.frame() == Harness.command("e FETCH 1:2 (FLAGS)"))
        try harness.channel.writeOutbound(IMAPOutboundInstruction.send(ByteBuffer(string: "* 1 FETCH (FLAGS ())\r\n"), then: .more))
        #expect(try Self.inflatedOutput(harness, inflater) == "* 1 FETCH (FLAGS ())\r\n")
        try harness.channel.writeOutbound(IMAPOutboundInstruction.send(ByteBuffer(string: "* 2 FETCH (FLAGS ())\r\ne OK\r\n"), then: .command))
        #expect(try Self.inflatedOutput(harness, inflater) == "* 2 FETCH (FLAGS ())\r\ne OK\r\n")
    }

    @Test func bytesAlreadyBufferedAfterCOMPRESSAreInflatedFirst() throws {
        let harness = try Harness()
        let deflater = try RawDeflater()
        // A client that did not wait for the OK: its next command is already compressed.
        try harness.feed(Array("c COMPRESS DEFLATE\r\n".utf8) + (try Self.deflated("d NOOP\r\n", deflater)))
        #expect(try harness.frame() == Harness.command("c COMPRESS DEFLATE"))
        try harness.answer("c OK DEFLATE active\r\n", then: .startCompression)
        #expect(try harness.frame() == Harness.command("d NOOP"))
    }

    @Test func aCompressedFloodStopsBeingReadWhileTheSessionWorks() throws {
        let harness = try Harness(maxBufferedInput: 4096)
        try harness.feed("c COMPRESS DEFLATE\r\n")
        _ = try harness.frame()
        try harness.answer("c OK\r\n", then: .startCompression)
        let deflater = try RawDeflater()
        // 2 MB of pipelined NOOPs in one compressed burst.
        let flood = String(repeating: "x NOOP\r\n", count: 262_144)
        let readsBefore = harness.readCounter.reads
        try harness.feed(try Self.deflated(flood, deflater))
        #expect(try harness.frame() == Harness.command("x NOOP"))
        // The session has not answered: the handler holds a few KB, not megabytes, and asks the
        // socket for nothing more.
        let handler = try harness.channel.pipeline.syncOperations.handler(type: IMAPCompressionHandler.self)
        #expect(handler.hasPendingInput)
        #expect(harness.readCounter.reads == readsBefore)
        // As the session answers, more is inflated on demand: 3,000 commands (24 KB) cross
        // several inflation steps and the framing handler's 4 KB buffer.
        try harness.answer("", then: .command)
        var frames = 1
        while frames < 3000, try harness.next() == Harness.command("x NOOP") { frames += 1 }
        #expect(frames == 3000)
        #expect(handler.hasPendingInput)
    }
}
