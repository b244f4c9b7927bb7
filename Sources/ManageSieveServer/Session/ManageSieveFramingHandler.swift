// Framing on the event loop: cuts commands (with their literals) out of the byte stream, runs the
// inactivity timer, and performs STARTTLS on the live pipeline.
//
// Implementation notes:
// - One command at a time: after emitting a frame the handler pauses until the session answers
//   with an instruction that is not `.more`, so pipelined commands are answered strictly in order.
// - Buffering is bounded by the framer (line and literal limits); while paused with a full
//   buffer no further reads are requested from the socket.
// - The timer runs only while we wait for the client, never while the session works.
// - Pausing, backpressure, the timer, shutdown, closing and the TLS insertion are the shared
//   `FramingFlowControl`; this file keeps the ManageSieve framing.
// - Not Sendable: confined to the channel's event loop like every ChannelHandler.

import NIOCore
import NIOSSL
import ProtocolListener

final class ManageSieveFramingHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ManageSieveInboundFrame
    typealias OutboundIn = ManageSieveOutboundInstruction
    typealias OutboundOut = ByteBuffer

    struct Configuration {
        var framer: ManageSieveFramer.Configuration
        /// The framer's literal limit until the session changes it (before authentication).
        var initialLiteralLimit: Int
        /// RFC 5804 §1.2 autologout timer once authenticated.
        var idleTimeout: TimeAmount
        /// Silence allowed before authentication (`[limits] prelogin_timeout_seconds`); nil: `idleTimeout`.
        var preLoginTimeout: TimeAmount? = nil
        var tlsContext: NIOSSLContext?
    }

    private let configuration: Configuration
    private var buffer = ByteBuffer()
    private var framer: ManageSieveFramer
    private let flow = FramingFlowControl<ManageSieveInboundFrame>()
    /// Set by `.setAuthenticated`: picks which timeout the inactivity timer uses.
    private var authenticated = false
    /// After an unrecoverable framing error nothing more is read.
    private var broken = false

    init(configuration: Configuration) {
        self.configuration = configuration
        self.framer = ManageSieveFramer(configuration: configuration.framer)
        self.framer.literalLimit = configuration.initialLiteralLimit
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if flow.closing || broken { return }
        buffer.writeBuffer(&incoming)
        process(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        flow.cancelTimer()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        flow.handlerRemoved()
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .setLiteralLimit(let limit):
            framer.literalLimit = limit
            promise?.succeed(())
        case .setAuthenticated(let authenticated):
            // Takes effect at the next arm: the session always answers (re-arming) after this.
            self.authenticated = authenticated
            promise?.succeed(())
        case .send(let bytes, let next):
            switch next {
            case .more:
                context.writeAndFlush(wrapOutboundOut(bytes), promise: promise)
            case .close:
                flow.close(sending: bytes, context: context, promise: promise)
            case .startTLS:
                context.writeAndFlush(wrapOutboundOut(bytes), promise: promise)
                startTLS(context: context)
            case .command:
                if bytes.readableBytes > 0 {
                    context.writeAndFlush(wrapOutboundOut(bytes), promise: promise)
                } else {
                    promise?.succeed(())
                }
                resume(context: context)
            }
        }
    }

    func read(context: ChannelHandlerContext) {
        // Backpressure: a client pipelining faster than the session answers stops being read.
        // A literal in progress is always read on (the framer bounds it).
        flow.read(context: context, buffered: buffer.readableBytes, limit: configuration.framer.maxLineLength * 4)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is ManageSieveShutdownEvent else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        promise?.succeed(())
        flow.shutdownRequested(context: context)  // if busy, delivered once the session next waits
    }

    // MARK: Framing

    private func resume(context: ChannelHandlerContext) {
        flow.resume()
        if flow.deliverPendingShutdown(context: context) { return }
        process(context: context)
        flow.forwardPendingRead(context: context)
    }

    private func process(context: ChannelHandlerContext) {
        guard !flow.paused, !broken else { return }
        if let frame = framer.next(from: &buffer) {
            switch frame {
            case .command(let line):
                flow.emit(.command(line), context: context)
            case .rejected(let error):
                if !error.isRecoverable {
                    broken = true
                    buffer.clear()
                }
                flow.emit(.rejected(error), context: context)
            }
            return
        }
        // Waiting for the client: (re)start the inactivity timer.
        armTimer(context: context)
    }

    // RFC 5804 §2.2: "The negotiation begins immediately after the CRLF in the OK response."
    // Anything already buffered was sent in plaintext before the handshake: it is dropped, never
    // executed (CVE-2011-0411). The TLS handler goes in front of us on the live pipeline and holds
    // the capabilities the session writes next until the handshake is done.
    private func startTLS(context: ChannelHandlerContext) {
        buffer.clear()
        framer.reset()
        flow.startTLS(configuration.tlsContext, context: context)
        // Stays paused: the session writes the new capabilities with `.command` next.
    }

    // MARK: Inactivity timer (RFC 5804 §1.2)

    private func armTimer(context: ChannelHandlerContext) {
        let timeout = authenticated ? configuration.idleTimeout : (configuration.preLoginTimeout ?? configuration.idleTimeout)
        flow.armTimer(in: timeout, context: context)
    }
}

/// The frame's own `timedOut` and `shutdown` cases are what `FramingFlowControl` sends.
extension ManageSieveInboundFrame: FramingSignalFrame {}
