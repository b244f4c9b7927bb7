// Framing on the event loop: splits the byte stream into lines, runs the autologout timer, and
// performs STLS on the live pipeline.
//
// Implementation notes:
// - One frame at a time: after emitting a line the handler pauses until the session answers with
//   an instruction that is not `.more`. Pipelined commands (RFC 2449 §6.6) wait in `buffer`, so
//   they are answered strictly in order.
// - Buffering is bounded: an over-long line is dropped as it arrives (skipping to the next LF),
//   and while paused with a full buffer no further reads are requested from the socket.
// - The timer runs only while we wait for the client, never while the session works or streams.
// - Pausing, backpressure, the timer, shutdown, closing and the TLS insertion are the shared
//   `FramingFlowControl`; this file keeps the POP3 framing.
// - Not Sendable: confined to the channel's event loop like every ChannelHandler.

import MailStore
import NIOCore
import NIOSSL
import ProtocolListener

final class POP3FramingHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = POP3InboundFrame
    typealias OutboundIn = POP3OutboundInstruction
    typealias OutboundOut = ByteBuffer

    struct Configuration {
        /// Longest command line, without CRLF.
        var maxCommandLineLength: Int
        /// Longest SASL response line, without CRLF.
        var maxSASLLineLength: Int
        /// RFC 1939 §3 autologout timer.
        var idleTimeout: TimeAmount
        /// Silence allowed before login (`[limits] prelogin_timeout_seconds`); nil: `idleTimeout`.
        var preLoginTimeout: TimeAmount? = nil
        var tlsContext: NIOSSLContext?
        /// Counts the RETRs answered here from prepared answers (the session counts the rest).
        var metrics: POP3Metrics? = nil
    }

    private let configuration: Configuration
    private var buffer = ByteBuffer()
    private var framer = LineFramer()
    private var lineLimit: Int
    private let flow = FramingFlowControl<POP3InboundFrame>()
    /// The extra "." written before a file's line that starts with one (RFC 1939 §3).
    private static let stuffedDot = ByteBuffer(string: ".")
    /// Set by `POP3LoggedInEvent`: the autologout timer replaces the pre-login one.
    private var loggedIn = false
    /// RETR answers the session rendered ahead; valid until the next line goes to the session.
    private var prepared = POP3PreparedAnswers()

    init(configuration: Configuration) {
        self.configuration = configuration
        self.lineLimit = configuration.maxCommandLineLength
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if flow.closing { return }
        guard framer.receive(&incoming, into: &buffer) else { return }
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
        case .offer(let answers):
            prepared = answers
            promise?.succeed(())
        case .sendFile(let file, let dots):
            sendFile(file, dotsAt: dots, context: context, promise: promise)
        case .send(let bytes, let next):
            switch next {
            case .more:
                // NIOAsyncChannel flushes after each batch it hands us: a RETR's slices leave in
                // one writev, not one syscall each.
                context.write(wrapOutboundOut(bytes), promise: promise)
            case .close:
                flow.close(sending: bytes, context: context, promise: promise)
            case .startTLS:
                context.writeAndFlush(wrapOutboundOut(bytes), promise: promise)
                startTLS(context: context)
            case .command, .saslResponse:
                if bytes.readableBytes > 0 {
                    context.writeAndFlush(wrapOutboundOut(bytes), promise: promise)
                } else {
                    promise?.succeed(())
                }
                lineLimit = next == .saslResponse ? configuration.maxSASLLineLength : configuration.maxCommandLineLength
                resume(context: context)
            }
        }
    }

    func read(context: ChannelHandlerContext) {
        // Backpressure: a client pipelining faster than the session answers stops being read.
        flow.read(context: context, buffered: buffer.readableBytes,
                  limit: max(configuration.maxSASLLineLength * 4, 16_384))
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        if event is POP3LoggedInEvent {
            loggedIn = true
            promise?.succeed(())
            return
        }
        guard event is POP3ShutdownEvent else {
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
        guard !flow.paused else { return }
        while true {
            switch framer.nextLine(in: &buffer, maxLength: lineLimit) {
            case .line(let line):
                if answerFromPrepared(line, context: context) { continue }
                // The session may change the maildrop (DELE, RSET): it offers again with its reply.
                prepared = POP3PreparedAnswers()
                flow.emit(.line(line), context: context)
                return
            case .tooLong:
                prepared = POP3PreparedAnswers()
                flow.emit(.lineTooLong, context: context)
                return
            case nil:
                break
            }
            // Waiting for the client: (re)start the autologout timer.
            armTimer(context: context)
            return
        }
    }

    /// Sends the prepared answer when `line` is a RETR of one (RFC 1939 §7 RETR: "+OK", the
    /// byte-stuffed message, "."), without a trip to the session task; false for any other line.
    private func answerFromPrepared(_ line: [UInt8], context: ChannelHandlerContext) -> Bool {
        guard lineLimit == configuration.maxCommandLineLength, let answer = prepared.answer(to: line) else { return false }
        let start = ContinuousClock.now
        context.writeAndFlush(wrapOutboundOut(answer.bytes), promise: nil)
        if let metrics = configuration.metrics {
            metrics.command("RETR", duration: ContinuousClock.now - start)
            metrics.retrievedBytes.increment(by: answer.octets)
        }
        return true
    }

    /// Writes a content file as `FileRegion`s: the kernel sends it from the page cache (sendfile),
    /// with no read into memory. RFC 1939 §3: a line starting with "." gets one more, written
    /// between the segments before and after that dot. The `NIOFileHandle` only borrows the
    /// descriptor: `file` owns it and is kept until the last write completed or failed (NIO
    /// completes writes in order, and fails the queued ones when one fails).
    private func sendFile(_ file: PlainContentFile, dotsAt dots: [Int], context: ChannelHandlerContext,
                          promise: EventLoopPromise<Void>?) {
        // The session never asks over TLS; should it, the TLS handler cannot take a file, and the
        // "+OK" is out already: closing is the only honest end (RFC 1939 cannot abort a response).
        if (try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self)) != nil {
            promise?.fail(ChannelError.operationUnsupported)
            context.close(promise: nil)
            return
        }
        let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: file.descriptor)
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenComplete { result in
            _ = try? handle.takeDescriptorOwnership()   // not closed here: `file` closes it
            withExtendedLifetime(file) {}
            promise?.completeWith(result)
        }
        var segmentStart = 0
        for dot in dots where dot >= segmentStart && dot < file.contentSize {
            if dot > segmentStart {
                context.write(NIOAny(FileRegion(fileHandle: handle, readerIndex: segmentStart, endIndex: dot)), promise: nil)
            }
            context.write(wrapOutboundOut(Self.stuffedDot), promise: nil)
            segmentStart = dot   // the file's own "." opens the next segment
        }
        context.write(NIOAny(FileRegion(fileHandle: handle, readerIndex: segmentStart, endIndex: file.contentSize)),
                      promise: written)
    }

    // RFC 2595 §4: after "+OK" to STLS the next bytes are a TLS ClientHello. Anything already
    // buffered was sent in plaintext before the handshake: it is dropped, never executed
    // (CVE-2011-0411). The TLS handler goes in front of us on the live pipeline; a failed
    // handshake closes the channel, which ends the session.
    private func startTLS(context: ChannelHandlerContext) {
        prepared = POP3PreparedAnswers()
        buffer.clear()
        framer.reset()
        lineLimit = configuration.maxCommandLineLength
        guard flow.startTLS(configuration.tlsContext, context: context) else { return }
        // The autologout timer also bounds the handshake.
        flow.resume()
        armTimer(context: context)
        flow.forwardPendingRead(context: context)
    }

    // MARK: Autologout timer (RFC 1939 §3)

    private func armTimer(context: ChannelHandlerContext) {
        let timeout = loggedIn ? configuration.idleTimeout : (configuration.preLoginTimeout ?? configuration.idleTimeout)
        flow.armTimer(in: timeout, context: context)
    }
}

/// The frame's own `timedOut` and `shutdown` cases are what `FramingFlowControl` sends.
extension POP3InboundFrame: FramingSignalFrame {}
