// Framing on the event loop: turns the client byte stream into framer events for the session task,
// runs the autologout timer, relays mailbox-change signals during IDLE and performs STARTTLS on the
// live pipeline.
//
// Implementation notes:
// - One frame at a time: after emitting a frame the handler pauses until the session answers with
//   an instruction whose `Next` resumes it. Pipelined commands (RFC 9051 §5.5) wait in `buffer`, so
//   they are answered strictly in order, and a continuation request is answered before the framer
//   reads on (the framer treats the next `next()` call as "literal accepted").
// - Memory is bounded twice: the framer bounds a command (lines, literals; large APPEND literals
//   leave as chunks), and while paused no read is requested once `buffer` holds
//   `maxBufferedInput` octets, so a client pipelining faster than the session answers stops
//   being read. Large writes are the NIOAsyncChannel writer's business (writability).
// - The autologout timer runs only while waiting for the client (IDLE included), never while the
//   session works or streams a response.
// - Change signals are coalesced into one pending flag; outside IDLE the session looks for changes
//   on every command, so a pending signal is dropped when the session resumes with `.command`,
//   unless NOTIFY is on (RFC 5465 §3.1: the client listens even when no command is in progress).
// - Pausing, backpressure, the timer, shutdown, closing and the TLS insertion are the shared
//   `FramingFlowControl`; this file keeps the IMAP framing, IDLE/NOTIFY signals and COMPRESS.
// - Not Sendable: confined to the channel's event loop like every ChannelHandler.

import NIOCore
import NIOSSL
import ProtocolListener

final class IMAPFramingHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = IMAPInboundFrame
    typealias OutboundIn = IMAPOutboundInstruction
    typealias OutboundOut = ByteBuffer

    struct Configuration {
        var framer: IMAPCommandFramer.Configuration
        /// The first autologout duration (RFC 9051 §5.4); the session changes it after login.
        var autologout: TimeAmount
        /// For STARTTLS; nil closes the connection if the session asks for TLS anyway.
        var tlsContext: NIOSSLContext?
        /// Unframed input held while the session works before reads stop (one read more may land).
        var maxBufferedInput: Int = 65_536
        /// How long the last words before a close may take to leave: a client that stops reading,
        /// or never finishes a TLS handshake, must not hold the connection open.
        var closeTimeout: TimeAmount = .seconds(30)
        /// zlib settings for COMPRESS=DEFLATE (RFC 4978).
        var compression = IMAPCompressionHandler.Configuration()
    }

    private let configuration: Configuration
    private var framer: IMAPCommandFramer
    private var autologout: TimeAmount
    /// Received bytes the framer has not consumed yet.
    private var buffer = ByteBuffer()
    private let flow = FramingFlowControl<IMAPInboundFrame>()
    /// The session resumed with `.idle` and has not left IDLE since.
    private var idling = false
    /// NOTIFY is on: change signals are delivered whenever the session waits, as during IDLE.
    private var notifying = false
    private var mailboxChangePending = false

    init(configuration: Configuration) {
        self.configuration = configuration
        self.framer = IMAPCommandFramer(configuration: configuration.framer)
        self.autologout = configuration.autologout
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if flow.closing { return }
        if buffer.readableBytes == 0 {
            // The common case: adopt the read buffer instead of copying it, so streamed literal
            // chunks are slices of what the socket delivered.
            buffer = incoming
        } else {
            if buffer.readerIndex >= 65_536 { buffer.discardReadBytes() }
            buffer.writeBuffer(&incoming)
        }
        process(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        flow.markClosing()
        flow.cancelTimer()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        flow.handlerRemoved()
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .setAutologout(let duration):
            autologout = duration
            // Already waiting for the client: the new duration applies to this wait.
            if flow.isTimerArmed { armTimer(context: context) }
            promise?.succeed(())

        case .setNotifications(let on):
            notifying = on
            promise?.succeed(())

        case .send(let bytes, let next):
            guard !flow.closing else {
                promise?.fail(ChannelError.ioOnClosedChannel)
                return
            }
            switch next {
            case .more:
                context.writeAndFlush(wrapOutboundOut(bytes), promise: promise)
            case .close:
                flow.close(sending: bytes, context: context, promise: promise, timeout: configuration.closeTimeout)
            case .startTLS:
                context.writeAndFlush(wrapOutboundOut(bytes), promise: promise)
                startTLS(context: context)
            case .startCompression:
                context.writeAndFlush(wrapOutboundOut(bytes), promise: promise)
                startCompression(context: context)
            case .command, .refuseLiteral, .idle, .saslResponse:
                if bytes.readableBytes > 0 {
                    context.writeAndFlush(wrapOutboundOut(bytes), promise: promise)
                } else {
                    promise?.succeed(())   // an accepted literal chunk: nothing to say
                }
                resume(after: next, context: context)
            }
        }
    }

    func read(context: ChannelHandlerContext) {
        // Backpressure: a client pipelining faster than the session answers stops being read.
        flow.read(context: context, buffered: buffer.readableBytes, limit: configuration.maxBufferedInput)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        switch event {
        case is IMAPMailboxChangedEvent:
            promise?.succeed(())
            if flow.closing { return }
            if (idling || notifying) && !flow.paused {
                flow.emit(.mailboxChanged, context: context)
            } else {
                mailboxChangePending = true   // delivered when the session next resumes with `.idle`
            }
        case is IMAPShutdownEvent:
            promise?.succeed(())
            flow.shutdownRequested(context: context)   // if busy, delivered once the session next waits
        default:
            context.triggerUserOutboundEvent(event, promise: promise)
        }
    }

    // MARK: Framing

    private func resume(after next: IMAPOutboundInstruction.Next, context: ChannelHandlerContext) {
        if next == .refuseLiteral {
            // RFC 9051 §7.5: no "+" was sent; the framer forgets the command and reads the next one.
            framer.refuseLiteral()
        }
        if next == .saslResponse { framer.expectSASLResponse() }
        idling = next == .idle
        if !idling && !notifying { mailboxChangePending = false }
        flow.resume()
        if !deliverPendingSignal(context: context) {
            process(context: context)
        }
        forwardPendingRead(context: context)
    }

    /// A shutdown or (while idling or notifying) a change that arrived while the session was busy.
    private func deliverPendingSignal(context: ChannelHandlerContext) -> Bool {
        if flow.deliverPendingShutdown(context: context) { return true }
        if (idling || notifying) && mailboxChangePending {
            mailboxChangePending = false
            flow.emit(.mailboxChanged, context: context)
            return true
        }
        return false
    }

    private func process(context: ChannelHandlerContext) {
        guard !flow.paused, !flow.closing else { return }
        if let event = framer.next(&buffer) {
            flow.emit(.framing(event), context: context)
            return
        }
        // Everything buffered is consumed and we wait for the client: (re)start the timer, and let
        // go of the read buffer we adopted (up to 64 KB), so an idle connection holds none.
        if buffer.readableBytes == 0 && buffer.capacity > 0 { buffer = ByteBuffer() }
        armTimer(context: context)
    }

    private func forwardPendingRead(context: ChannelHandlerContext) {
        flow.forwardPendingRead(context: context, buffered: buffer.readableBytes, limit: configuration.maxBufferedInput)
    }

    // RFC 9051 §6.2.1: TLS negotiation begins right after the CRLF of the tagged OK. Bytes already
    // buffered were sent in plaintext before the handshake: they are thrown away, never executed
    // (option 2 of §6.2.1; CVE-2011-0411). The TLS handler goes in front of us on the live
    // pipeline; a failed handshake closes the channel, which ends the session.
    private func startTLS(context: ChannelHandlerContext) {
        buffer = ByteBuffer()
        framer = IMAPCommandFramer(configuration: configuration.framer)
        idling = false
        mailboxChangePending = false
        guard flow.startTLS(configuration.tlsContext, context: context) else { return }
        flow.resume()
        if !deliverPendingSignal(context: context) {
            armTimer(context: context)   // the autologout timer also bounds the handshake
        }
        forwardPendingRead(context: context)
    }

    // RFC 4978 §3: the server compresses from right after the CRLF of the tagged OK (already
    // written, synchronously, when this runs) and the client from its next command. The
    // compression handler goes between TLS and us; bytes we already buffered came after the
    // COMPRESS command, so they are compressed: the new handler inflates them first.
    private func startCompression(context: ChannelHandlerContext) {
        let leftover = buffer
        buffer = ByteBuffer()
        do {
            let handler = try IMAPCompressionHandler(configuration: configuration.compression, pendingInput: leftover)
            try context.pipeline.syncOperations.addHandler(handler, position: .before(self))
        } catch {
            flow.markClosing()
            context.close(promise: nil)
            return
        }
        resume(after: .command, context: context)
    }

    // MARK: Autologout timer (RFC 9051 §5.4)

    private func armTimer(context: ChannelHandlerContext) {
        flow.armTimer(in: autologout, context: context)
    }
}

/// The frame's own `timedOut` and `shutdown` cases are what `FramingFlowControl` sends.
extension IMAPInboundFrame: FramingSignalFrame {}
