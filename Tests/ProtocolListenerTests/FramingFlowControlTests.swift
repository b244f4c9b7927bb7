import NIOCore
import NIOEmbedded
import ProtocolListener
import Testing

private enum TestFrame: FramingSignalFrame, Equatable {
    case timedOut, shutdown
}

/// Owns a flow control the way a framing handler does; the tests drive it through its context.
private final class FlowOwner: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let flow = FramingFlowControl<TestFrame>()
    var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }
}

/// Counts the read() calls that get past the owner towards the socket.
private final class ReadCounter: ChannelOutboundHandler {
    typealias OutboundIn = NIOAny
    var reads = 0

    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }
}

@Suite struct FramingFlowControlTests {
    private struct Harness {
        let channel: EmbeddedChannel
        let owner = FlowOwner()
        let counter = ReadCounter()
        let context: ChannelHandlerContext

        init() throws {
            channel = EmbeddedChannel()
            try channel.pipeline.syncOperations.addHandler(counter)
            try channel.pipeline.syncOperations.addHandler(owner)
            context = try #require(owner.context)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            #expect(channel.isActive)
        }
    }

    @Test func theTimerRunsOnlyWhileTheSessionWaits() throws {
        let harness = try Harness()
        let flow = harness.owner.flow
        #expect(flow.paused)   // until the greeting is written
        flow.armTimer(in: .seconds(5), context: harness.context)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(5))
        #expect(try harness.channel.readInbound(as: TestFrame.self) == nil)   // paused: the session works

        flow.resume()
        flow.armTimer(in: .seconds(5), context: harness.context)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        #expect(try harness.channel.readInbound(as: TestFrame.self) == nil)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(try harness.channel.readInbound(as: TestFrame.self) == .timedOut)
        #expect(flow.paused)
        #expect(!flow.isTimerArmed)
    }

    @Test func aShutdownWhileBusyWaitsForTheSession() throws {
        let harness = try Harness()
        let flow = harness.owner.flow
        flow.shutdownRequested(context: harness.context)
        #expect(try harness.channel.readInbound(as: TestFrame.self) == nil)
        flow.resume()
        #expect(flow.deliverPendingShutdown(context: harness.context))
        #expect(try harness.channel.readInbound(as: TestFrame.self) == .shutdown)
        flow.resume()
        #expect(!flow.deliverPendingShutdown(context: harness.context))   // delivered once
    }

    @Test func readsStopWhileTheSessionWorksOnAFullBuffer() throws {
        let harness = try Harness()
        let flow = harness.owner.flow
        flow.read(context: harness.context, buffered: 10, limit: 100)
        #expect(harness.counter.reads == 1)
        flow.read(context: harness.context, buffered: 100, limit: 100)
        #expect(harness.counter.reads == 1)   // held back
        flow.forwardPendingRead(context: harness.context)
        #expect(harness.counter.reads == 1)   // still paused
        flow.resume()
        flow.forwardPendingRead(context: harness.context)
        #expect(harness.counter.reads == 2)
    }

    @Test func closeSendsTheLastWordsThenCloses() throws {
        let harness = try Harness()
        let flow = harness.owner.flow
        flow.resume()
        flow.close(sending: ByteBuffer(string: "BYE\r\n"), context: harness.context, promise: nil)
        #expect(try harness.channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "BYE\r\n"))
        #expect(!harness.channel.isActive)
        #expect(flow.closing)
        flow.shutdownRequested(context: harness.context)
        #expect(try harness.channel.readInbound(as: TestFrame.self) == nil)
    }

    @Test func aHandshakeThatNeverEndsClosesTheConnection() throws {
        let harness = try Harness()
        let flow = harness.owner.flow
        flow.armTimer(in: .seconds(3), context: harness.context, closeIfStillPaused: true)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(3))
        #expect(!harness.channel.isActive)
        #expect(try harness.channel.readInbound(as: TestFrame.self) == nil)
    }

    @Test func startTLSWithoutAContextCloses() throws {
        let harness = try Harness()
        #expect(!harness.owner.flow.startTLS(nil, context: harness.context))
        #expect(!harness.channel.isActive)
    }
}
