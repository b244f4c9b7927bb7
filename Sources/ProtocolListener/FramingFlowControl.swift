// What every line protocol's framing handler does the same way, whatever its framing: one frame
// at a time, read backpressure, the wait-for-the-client timer, the shutdown signal, the last words
// before a close, and STARTTLS on the live pipeline. The handler keeps only its protocol's
// framing (lines, literals, DATA, BDAT) and the events only its protocol has.
//
// Implementation notes:
// - A final class owned by one handler, not a struct: its methods call into the pipeline
//   (fireChannelRead, writes, close), and the pipeline can call back into the owning handler in
//   the same stack (a failed write closing the channel, say). A struct stored in the handler
//   would be under exclusive access for the whole mutating call and that re-entry would trap;
//   a class's fields are read and written one at a time, as when they were the handler's own.
// - One frame at a time: `emit` pauses until the session answers and the handler calls `resume`.
// - The timer runs only while the session waits for the client, never while it works.
// - Not Sendable: confined to the channel's event loop like the handler that owns it.

import NIOCore
import NIOSSL

/// The protocol-independent state of a framing handler (paused, closing, pending shutdown, held
/// read, timers) and the pipeline steps that go with it. `Frame` is the handler's InboundOut.
///
/// ```swift
/// private let flow = FramingFlowControl<POP3InboundFrame>()
/// func read(context: ChannelHandlerContext) {
///     flow.read(context: context, buffered: buffer.readableBytes, limit: 16_384)
/// }
/// ```
public final class FramingFlowControl<Frame: FramingSignalFrame> {
    /// Waiting for the session's answer; starts paused until the greeting is written.
    public private(set) var paused = true
    /// The last words are on their way, or the connection is gone: no more frames.
    public private(set) var closing = false
    /// Whether the wait-for-the-client timer is running.
    public var isTimerArmed: Bool { timer != nil }

    private var shutdownPending = false
    /// A read() held back by backpressure; forwarded once the session takes input again.
    private var readPending = false
    private var timer: Scheduled<Void>?
    private var closeTimer: Scheduled<Void>?

    public init() {}

    // MARK: Frames

    /// Hands one frame to the session and pauses until it answers.
    public func emit(_ frame: Frame, context: ChannelHandlerContext) {
        paused = true
        cancelTimer()
        context.fireChannelRead(NIOAny(frame))
        // Frames emitted outside a read cycle (on resume, timeout, shutdown) must reach the async
        // side too: NIOAsyncChannel delivers what it buffered on channelReadComplete.
        context.fireChannelReadComplete()
    }

    /// The session answered and waits for the client again.
    public func resume() {
        paused = false
    }

    /// Stops taking frames without closing (STARTTLS waiting for its handshake).
    public func pause() {
        paused = true
    }

    // MARK: Shutdown

    /// The listener's shutdown event: delivered now if the session waits for the client and
    /// `deliverableNow` (SMTP: not inside DATA), else once it does (`deliverPendingShutdown`).
    public func shutdownRequested(context: ChannelHandlerContext, deliverableNow: Bool = true) {
        if closing { return }
        if !paused && deliverableNow {
            emit(.shutdown, context: context)
        } else {
            shutdownPending = true
        }
    }

    /// Delivers a shutdown that arrived while the session was busy; true if it did (the handler
    /// then reads no frame of its own).
    public func deliverPendingShutdown(context: ChannelHandlerContext, deliverableNow: Bool = true) -> Bool {
        guard shutdownPending, deliverableNow else { return false }
        shutdownPending = false
        emit(.shutdown, context: context)
        return true
    }

    // MARK: Backpressure

    /// The handler's `read`: a client pipelining faster than the session answers stops being
    /// read once `buffered` unframed octets reach `limit` while the session works.
    public func read(context: ChannelHandlerContext, buffered: Int, limit: Int) {
        if paused && buffered >= limit {
            readPending = true
            return
        }
        context.read()
    }

    /// Forwards a held-back read if the session takes input again (not paused by a new frame).
    public func forwardPendingRead(context: ChannelHandlerContext) {
        if readPending && !paused {
            readPending = false
            context.read()
        }
    }

    /// Forwards a held-back read as soon as the buffer is below `limit` again, even while the
    /// session works on the frame just emitted (IMAP: a large literal streams on).
    public func forwardPendingRead(context: ChannelHandlerContext, buffered: Int, limit: Int) {
        if readPending && !(paused && buffered >= limit) && !closing {
            readPending = false
            context.read()
        }
    }

    // MARK: Closing

    /// Writes the session's last words and closes once they are out. Nothing more is framed or
    /// timed. `timeout`: closes anyway after that long (a client that stops reading).
    public func close(sending bytes: ByteBuffer, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?,
                      timeout: TimeAmount? = nil) {
        closing = true
        paused = true
        cancelTimer()
        let channel = context.channel
        context.writeAndFlush(NIOAny(bytes)).whenComplete { _ in channel.close(promise: nil) }
        if let timeout {
            closeTimer = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        }
        promise?.succeed(())
    }

    /// The connection is going away: no more frames.
    public func markClosing() {
        closing = true
    }

    /// The handler's `handlerRemoved`: no timer may outlive it.
    public func handlerRemoved() {
        cancelTimer()
        closeTimer?.cancel()
        closeTimer = nil
    }

    // MARK: STARTTLS

    /// Puts TLS in front of the handler on the live pipeline, right after the go-ahead reply was
    /// written; the handler has already dropped what it buffered (sent in plaintext before the
    /// handshake: never executed, CVE-2011-0411). No TLS context, or a failure, closes the
    /// connection: false then.
    @discardableResult
    public func startTLS(_ tlsContext: NIOSSLContext?, context: ChannelHandlerContext) -> Bool {
        guard let tlsContext else {
            closing = true
            context.close(promise: nil)
            return false
        }
        do {
            try context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tlsContext), position: .first)
            return true
        } catch {
            closing = true
            context.close(promise: nil)
            return false
        }
    }

    // MARK: Timer

    /// (Re)starts the wait-for-the-client timer: if the session still waits when it fires, the
    /// session gets the timed-out frame. `closeIfStillPaused`: the timer bounds a TLS handshake
    /// during which nothing is framed; if nothing arrived by then, the connection is closed.
    public func armTimer(in delay: TimeAmount, context: ChannelHandlerContext, closeIfStillPaused: Bool = false) {
        cancelTimer()
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: delay) {
            let (flow, context) = loopBound.value
            flow.timer = nil
            if closeIfStillPaused && flow.paused {
                context.close(promise: nil)
            } else if !flow.paused && !flow.closing {
                flow.emit(.timedOut, context: context)
            }
        }
    }

    /// Stops the wait-for-the-client timer (the session works, or the channel went inactive).
    public func cancelTimer() {
        timer?.cancel()
        timer = nil
    }
}
