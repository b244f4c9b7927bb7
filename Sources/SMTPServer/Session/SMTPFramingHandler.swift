// Framing on the event loop: splits the byte stream into command lines, DATA bodies and BDAT
// chunks, runs the inactivity timers, and performs STARTTLS on the live pipeline.
//
// Implementation notes:
// - One frame at a time: after emitting a frame the handler pauses until the session answers with
//   an `SMTPOutboundInstruction`. Pipelined commands wait in `buffer`; the session always decides
//   what the next bytes mean (a command, DATA content, a BDAT chunk or a TLS record).
// - Buffering is bounded: an over-long command line is dropped as it arrives (skipping to the next
//   LF), DATA/BDAT content is handed to bounded decoders, and while paused with a full buffer no
//   further reads are requested from the socket.
// - Timers run only while we wait for the client, never while the session waits for the receiver.
// - Pausing, backpressure, the timer, shutdown, closing and the TLS insertion are the shared
//   `FramingFlowControl`; this file keeps the SMTP framing (lines, DATA, BDAT).
// - Not Sendable: confined to the channel's event loop like every ChannelHandler.

import NIOCore
import NIOSSL
import ProtocolListener

final class SMTPFramingHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = SMTPInboundFrame
    typealias OutboundIn = SMTPOutboundInstruction
    typealias OutboundOut = ByteBuffer

    struct Configuration {
        var maxLineLength: Int
        var maxMessageSize: Int
        var commandTimeout: TimeAmount
        var dataTimeout: TimeAmount
        var tlsContext: NIOSSLContext?
    }

    private enum Mode {
        case command
        case data(SMTPDataDecoder)
        case chunk(remaining: Int, keep: Bool, collected: [UInt8], octets: Int)
    }

    private let configuration: Configuration
    private var buffer = ByteBuffer()
    /// RFC 5321 §4.5.3.1.4 overflow: bounded lines, resynchronising at the next LF.
    private var framer = LineFramer()
    private var mode = Mode.command
    private let flow = FramingFlowControl<SMTPInboundFrame>()
    /// TLS is (being) negotiated in front of us; report it with the first decrypted bytes.
    private var tlsReportPending: Bool

    init(configuration: Configuration, implicitTLS: Bool = false) {
        self.configuration = configuration
        self.tlsReportPending = implicitTLS
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if tlsReportPending {
            // The first bytes after a TLS handshake: it is complete, so report it before any command.
            // (Without a dependency on NIOTLS's TLSUserEvent; the TLS handler sits in front of us.)
            tlsReportPending = false
            let handler = try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self)
            // todo: NIOSSL exposes the version but not the negotiated cipher name; cipher stays "".
            let info = SMTPSessionInfo.TLSInfo(version: handler?.tlsVersion?.protocolName ?? "TLS", cipher: "")
            buffer.writeBuffer(&incoming)
            flow.emit(.tlsEstablished(info), context: context)
            return
        }
        guard framer.receive(&incoming, into: &buffer) else { return }
        if !flow.paused { armTimer(context: context) }
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
        case .reply(let replies, let next):
            var out = context.channel.allocator.buffer(capacity: 128)
            for reply in replies { reply.encode(into: &out) }
            switch next {
            case .close:
                flow.close(sending: out, context: context, promise: promise)
            case .startTLS:
                context.writeAndFlush(wrapOutboundOut(out), promise: promise)
                startTLS(context: context)
            case .command, .data, .chunk:
                if out.readableBytes > 0 {
                    context.writeAndFlush(wrapOutboundOut(out), promise: promise)
                } else {
                    promise?.succeed(())
                }
                resume(next, context: context)
            }
        }
    }

    func read(context: ChannelHandlerContext) {
        // Backpressure: a client pipelining faster than the session decides stops being read.
        flow.read(context: context, buffered: buffer.readableBytes, limit: max(configuration.maxLineLength * 4, 65_536))
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is SMTPShutdownEvent else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        promise?.succeed(())
        // Inside DATA or BDAT, delivered once the session next waits for a command.
        flow.shutdownRequested(context: context, deliverableNow: waitsForCommand)
    }

    // MARK: Framing

    private func resume(_ next: SMTPOutboundInstruction.Next, context: ChannelHandlerContext) {
        switch next {
        case .data: mode = .data(SMTPDataDecoder(maxSize: configuration.maxMessageSize))
        case .chunk(let size, let keep): mode = .chunk(remaining: size, keep: keep, collected: [], octets: size)
        default: mode = .command
        }
        flow.resume()
        if flow.deliverPendingShutdown(context: context, deliverableNow: waitsForCommand) { return }
        process(context: context)
        if !flow.paused { armTimer(context: context) }
        flow.forwardPendingRead(context: context)
    }

    /// Between commands (not inside DATA or BDAT): where a shutdown may be delivered.
    private var waitsForCommand: Bool {
        if case .command = mode { return true }
        return false
    }

    private func process(context: ChannelHandlerContext) {
        while !flow.paused {
            switch mode {
            case .command:
                guard processCommandLine(context: context) else { return }
            case .data(var decoder):
                guard buffer.readableBytes > 0 else { return }
                // Drop the enum's reference first: with two references the decoder's first append
                // would copy the whole body read so far (once per socket read of a large DATA).
                mode = .command
                let result = buffer.withUnsafeReadableBytes { decoder.decode($0) }
                buffer.moveReaderIndex(forwardBy: result.consumed)
                guard result.finished else {
                    mode = .data(decoder)
                    compact()
                    return
                }
                flow.emit(.message(decoder.message, tooLarge: decoder.tooLarge,
                              bareLineEnding: decoder.bareLineEnding, octets: decoder.octets), context: context)
            case .chunk(let remaining, let keep, var collected, let octets):
                mode = .command   // as for DATA: `collected` stays uniquely referenced
                // RFC 3030 §2: exactly `remaining` octets, whatever they contain.
                let take = min(remaining, buffer.readableBytes)
                if keep, take > 0, let bytes = buffer.readBytes(length: take) {
                    collected.append(contentsOf: bytes)
                } else {
                    buffer.moveReaderIndex(forwardBy: take)
                }
                if remaining - take > 0 {
                    mode = .chunk(remaining: remaining - take, keep: keep, collected: collected, octets: octets)
                    compact()
                    return
                }
                mode = .command
                flow.emit(.chunk(keep ? collected : nil, octets: octets), context: context)
            }
        }
    }

    /// Emits the command lines the buffer holds as one frame (a line, a line-too-long event, or a
    /// pipelined group of them); false when no complete line is there.
    /// RFC 2920 §3.2 (2), (5), (6): a group continues only after RSET, MAIL and RCPT, whose replies
    /// may be held back; any other line (DATA, BDAT, STARTTLS, EHLO, NOOP, an unknown or over-long
    /// line…) ends it, so its reply goes out with the group's and no framing change (DATA, BDAT,
    /// STARTTLS) ever has a line framed after it. (7): only lines already buffered are grouped, so
    /// the replies go out as soon as the input buffer is empty.
    private func processCommandLine(context: ChannelHandlerContext) -> Bool {
        var group: [LineFramer.Line] = []
        while group.count < Self.maxPipelinedLines,
              let next = framer.nextLine(in: &buffer, maxLength: configuration.maxLineLength) {
            group.append(next)
            guard case .line(let line) = next, Self.mayHoldReply(to: line) else { break }
        }
        switch group.count {
        case 0:
            return false
        case 1:
            switch group[0] {
            case .line(let line): flow.emit(.line(line), context: context)
            case .tooLong: flow.emit(.lineTooLong, context: context)
            }
        default:
            flow.emit(.pipelined(group), context: context)
        }
        return true
    }

    /// Bounds one pipelined group (and so the replies held back for it).
    static let maxPipelinedLines = 64

    /// RFC 2920 §3.2 (2): RSET, MAIL FROM and RCPT TO replies may be buffered and sent as a unit.
    /// A verb is recognised case-insensitively (RFC 5321 §2.4), followed by a space or the line end.
    static func mayHoldReply(to line: [UInt8]) -> Bool {
        guard line.count >= 4, line.count == 4 || line[4] == UInt8(ascii: " ") else { return false }
        // ASCII upper-casing of the four verb octets; anything non-letter never matches.
        let verb = (UInt32(line[0] & 0xDF) << 24) | (UInt32(line[1] & 0xDF) << 16)
            | (UInt32(line[2] & 0xDF) << 8) | UInt32(line[3] & 0xDF)
        switch verb {
        case 0x4D41_494C, 0x5243_5054, 0x5253_4554: return true   // "MAIL", "RCPT", "RSET"
        default: return false
        }
    }

    private func compact() {
        LineFramer.compact(&buffer)
    }

    // RFC 3207 §4: after the 220 go-ahead, the next bytes are a TLS ClientHello. Anything already
    // buffered was sent in plaintext before the handshake: it is dropped, never executed
    // (CVE-2011-0411, STACK-NOTES.md). The TLS handler goes in front of us on the live pipeline.
    private func startTLS(context: ChannelHandlerContext) {
        buffer.clear()
        framer.reset()
        mode = .command
        flow.pause()
        tlsReportPending = true
        guard flow.startTLS(configuration.tlsContext, context: context) else { return }
        // Time limit for the handshake: the command timeout.
        armTimer(context: context, force: true)
    }

    // MARK: Timers (RFC 5321 §4.5.3.2)

    /// `force`: the timer bounds a TLS handshake; if it never completes, the connection is closed.
    private func armTimer(context: ChannelHandlerContext, force: Bool = false) {
        let delay: TimeAmount
        switch mode {
        case .command: delay = configuration.commandTimeout
        case .data, .chunk: delay = configuration.dataTimeout
        }
        flow.armTimer(in: delay, context: context, closeIfStillPaused: force)
    }
}

/// The frame's own `timedOut` and `shutdown` cases are what `FramingFlowControl` sends.
extension SMTPInboundFrame: FramingSignalFrame {}
