// The whole pipeline of a connection refused by the connection limits: it sends the protocol's
// "too busy" line (SMTP 421, IMAP BYE, POP3 -ERR, ManageSieve BYE) and closes. No session starts
// and nothing the client sends is read or buffered.

import NIOCore

/// Writes `greeting` once the channel is active, then closes; closes anyway after `timeout` (a
/// TLS client that never finishes its handshake). Inbound bytes are dropped unread.
///
/// Not Sendable: confined to the channel's event loop like every ChannelHandler.
public final class BusyRejectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private let greeting: [UInt8]
    private let timeout: TimeAmount
    private var sent = false
    private var timer: Scheduled<Void>?

    public init(greeting: [UInt8], timeout: TimeAmount = .seconds(10)) {
        self.greeting = greeting
        self.timeout = timeout
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) { loopBound.value.close(promise: nil) }
        if context.channel.isActive { sendAndClose(context: context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        sendAndClose(context: context)
        context.fireChannelActive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Dropped: a refused client gets no say.
    }

    public func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func sendAndClose(context: ChannelHandlerContext) {
        guard !sent else { return }
        sent = true
        let buffer = context.channel.allocator.buffer(bytes: greeting)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in
            loopBound.value.close(promise: nil)
        }
    }
}
