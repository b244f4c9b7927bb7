// The COMPRESS=DEFLATE channel handler on an EmbeddedChannel: responses leave sync-flushed,
// commands arrive inflated whatever their fragmentation, and inflation waits for demand.

import NIOCore
import NIOEmbedded
import Testing
@testable import IMAPServer

/// Stands for the framing handler: passes at most `allowance` reads on towards the socket,
/// as the real one stops reading once its buffer is full.
final class ReadGate: ChannelOutboundHandler {
    typealias OutboundIn = Any
    var allowance: Int

    init(allowance: Int) { self.allowance = allowance }

    func read(context: ChannelHandlerContext) {
        guard allowance > 0 else { return }
        allowance -= 1
        context.read()
    }
}

/// Set by a future's callback. @unchecked Sendable: EmbeddedEventLoop runs callbacks on the test's
/// own thread, synchronously, so there is no concurrent access.
final class Completion: @unchecked Sendable {
    var value = false
}

@Suite struct IMAPCompressionHandlerTests {
    static func compressed(_ text: String, deflater: RawDeflater) throws -> [UInt8] {
        var output = ByteBuffer()
        try deflater.deflate(ByteBuffer(string: text), flush: true, into: &output)
        return Array(output.readableBytesView)
    }

    static func inboundText(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let chunk = try channel.readInbound(as: ByteBuffer.self) { text += String(buffer: chunk) }
        return text
    }

    @Test func eachFlushedResponseDecodesOnItsOwn() throws {
        let channel = EmbeddedChannel(handler: try IMAPCompressionHandler())
        let inflater = try RawInflater()
        for line in ["* OK first\r\n", "a1 OK second\r\n"] {
            // Two writes, one flush: one self-contained compressed unit.
            channel.write(ByteBuffer(string: String(line.prefix(4))), promise: nil)
            let done = Completion()
            channel.write(ByteBuffer(string: String(line.dropFirst(4)))).whenSuccess { done.value = true }
            #expect(!done.value)
            channel.flush()
            #expect(done.value)
            var wire = ByteBuffer()
            while var part = try channel.readOutbound(as: ByteBuffer.self) { wire.writeBuffer(&part) }
            #expect(Array(wire.readableBytesView.suffix(4)) == [0, 0, 0xff, 0xff])
            let plain = try inflater.inflate(&wire, limit: 1024, allocator: channel.allocator)
            #expect(String(buffer: plain) == line)
        }
        _ = try channel.finish()
    }

    @Test(arguments: [false, true])
    func commandsArriveInflatedWhateverTheFragmentation(byteByByte: Bool) throws {
        let channel = EmbeddedChannel(handler: try IMAPCompressionHandler())
        let deflater = try RawDeflater()
        let text = "a1 SELECT INBOX\r\na2 UID FETCH 1:* (FLAGS)\r\n"
        let bytes = try Self.compressed(text, deflater: deflater)
        if byteByByte {
            for byte in bytes { try channel.writeInbound(ByteBuffer(bytes: [byte])) }
        } else {
            try channel.writeInbound(ByteBuffer(bytes: bytes))
        }
        #expect(try Self.inboundText(channel) == text)
        _ = try channel.finish()
    }

    @Test func pythonClientBytesAreUnderstood() throws {
        let channel = EmbeddedChannel(handler: try IMAPCompressionHandler())
        try channel.writeInbound(ByteBuffer(bytes: RawDeflateTests.pythonFirst))
        try channel.writeInbound(ByteBuffer(bytes: RawDeflateTests.pythonSecond))
        #expect(try Self.inboundText(channel) == "a1 NOOP\r\na2 NOOP\r\n")
        _ = try channel.finish()
    }

    @Test func aBombIsInflatedOnlyAsTheReaderAsks() throws {
        var configuration = IMAPCompressionHandler.Configuration()
        configuration.maxChunk = 4096
        let gate = ReadGate(allowance: 0)
        let channel = EmbeddedChannel(handlers: [try IMAPCompressionHandler(configuration: configuration), gate])
        // 16 MB of "A" in a few KB.
        let deflater = try RawDeflater()
        var bomb = ByteBuffer()
        let block = ByteBuffer(repeating: UInt8(ascii: "A"), count: 1 << 20)
        for _ in 0..<16 { try deflater.deflate(block, flush: false, into: &bomb) }
        try deflater.deflate(ByteBuffer(), flush: true, into: &bomb)
        #expect(bomb.readableBytes < 32_768)
        try channel.writeInbound(bomb)
        // The read that brought the bytes is answered with one chunk; then nothing until asked.
        var delivered = 0
        while let chunk = try channel.readInbound(as: ByteBuffer.self) { delivered += chunk.readableBytes }
        #expect(delivered == 4096)
        // Three more reads, three more chunks.
        gate.allowance = 3
        channel.read()
        while let chunk = try channel.readInbound(as: ByteBuffer.self) { delivered += chunk.readableBytes }
        #expect(delivered == 4 * 4096)
        _ = try? channel.finish()
    }

    @Test func corruptInputClosesTheConnection() throws {
        let channel = EmbeddedChannel(handler: try IMAPCompressionHandler())
        #expect(throws: RawDeflateError.self) {
            try channel.writeInbound(ByteBuffer(bytes: [0xff, 0xff, 0xff, 0xff]))
        }
        #expect(!channel.isActive)
    }
}

extension IMAPCompressionHandlerTests {
    // Regression: the async writer's flush right after COMPRESS's OK sent an empty sync flush
    // (00 00 00 ff ff) that reached the client before it had switched on its inflater.
    @Test func aFlushWithNothingWrittenSendsNothing() throws {
        let channel = EmbeddedChannel(handler: try IMAPCompressionHandler())
        channel.flush()
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        channel.write(ByteBuffer(), promise: nil)
        channel.flush()
        var wire = ByteBuffer()
        while var part = try channel.readOutbound(as: ByteBuffer.self) { wire.writeBuffer(&part) }
        #expect(wire.readableBytes == 0)
        _ = try channel.finish()
    }
}
