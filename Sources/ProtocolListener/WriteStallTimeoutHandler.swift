// Closes a connection whose peer stops reading while the server has data for it. Without this a
// client that asks for a large FETCH or RETR and then never reads holds its session, and the
// buffered response, for as long as the TCP connection lives (the idle timers only run while the
// server waits for the client).

import NIOCore

/// Watches the channel's writability: unwritable (NIO's write buffer above its high-water mark)
/// for `timeout` without a pause closes the channel. Becoming writable again, which happens as
/// soon as the peer reads enough, cancels the timer, so a slow reader on a thin link is never cut.
///
/// Not Sendable: confined to the channel's event loop like every ChannelHandler.
public final class WriteStallTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = NIOAny

    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?

    public init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    public func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            cancelTimer()
        } else if timer == nil {
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            timer = context.eventLoop.scheduleTask(in: timeout) {
                loopBound.value.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        context.fireChannelInactive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
    }
}
