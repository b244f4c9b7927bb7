// The write-stall timer on an EmbeddedChannel: only a stall that lasts the whole timeout closes.

import NIOCore
import NIOEmbedded
import ProtocolListener
import Testing

@Suite struct WriteStallTimeoutHandlerTests {
    static func channel() throws -> (EmbeddedChannel, EmbeddedEventLoop) {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(handler: WriteStallTimeoutHandler(timeout: .seconds(60)), loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, loop)
    }

    @Test func aPeerThatStopsReadingIsDisconnected() throws {
        let (channel, loop) = try Self.channel()
        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        loop.advanceTime(by: .seconds(59))
        #expect(channel.isActive)
        loop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }

    @Test func aSlowReaderIsNeverCut() throws {
        let (channel, loop) = try Self.channel()
        for _ in 0..<5 {
            channel.isWritable = false
            channel.pipeline.fireChannelWritabilityChanged()
            loop.advanceTime(by: .seconds(50))
            channel.isWritable = true
            channel.pipeline.fireChannelWritabilityChanged()
        }
        loop.advanceTime(by: .seconds(120))
        #expect(channel.isActive)
        _ = try channel.finish()
    }

    @Test func readsStillFlowThrough() throws {
        let (channel, _) = try Self.channel()
        try channel.writeInbound(ByteBuffer(string: "a1 NOOP\r\n"))
        let read: ByteBuffer? = try channel.readInbound()
        #expect(read.map { String(buffer: $0) } == "a1 NOOP\r\n")
        _ = try channel.finish()
    }
}
