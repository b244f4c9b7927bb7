// COMPRESS=DEFLATE (RFC 4978) on the live pipeline, between TLS (if any) and the framing handler:
// inflates what the client sends, deflates what the server writes.
//
// Implementation notes:
// - RFC 4978 §3: compression sits above TLS (compress, then encrypt); the framing handler adds
//   this handler right before itself after writing the tagged OK, so the OK leaves uncompressed.
// - Every flush ends with a sync flush (`00 00 ff ff`), so the client can decode each response as
//   soon as it arrives; writes in between are compressed without flushing.
// - Bounded inflation: compressed input is inflated in steps of at most `maxChunk` octets, and
//   a step runs only when the handler after us asks for data (`read()`). The framing handler
//   stops asking once it holds `maxBufferedInput`, so a "zip bomb" (a few KB that expand to
//   gigabytes) leaves at most one chunk beyond that in memory; and no read is asked of the socket
//   while compressed input is waiting, so the compressed side is bounded by one socket read.
// - Not Sendable: confined to the channel's event loop like every ChannelHandler.

import NIOCore

final class IMAPCompressionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct Configuration {
        var deflate = RawDeflater.Parameters()
        /// The most inflated octets handed on per step.
        var maxChunk = 16_384
    }

    private let configuration: Configuration
    private let deflater: RawDeflater
    private let inflater: RawInflater
    /// Received compressed bytes not yet inflated.
    private var compressed: ByteBuffer
    /// The next handler asked for data and has not been given any since.
    private var readRequested = true
    /// Inside `pump`: a `read()` arriving now only records the demand.
    private var pumping = false
    private var failed = false
    /// Promises of writes that produced no compressed output yet: they complete with the next
    /// bytes that leave (at the latest the flush).
    private var waitingPromise: EventLoopPromise<Void>?
    /// Octets were deflated since the last sync flush. A flush with nothing new sends nothing:
    /// an empty sync flush would still cost 5 octets, and right after COMPRESS's OK (the async
    /// writer's own flush) it would reach the client before it has switched on its inflater.
    private var unflushed = false

    /// `pendingInput`: bytes the client sent after the COMPRESS command that the framing handler
    /// had already read; they are compressed (RFC 4978 §3) and are inflated first.
    init(configuration: Configuration = Configuration(), pendingInput: ByteBuffer = ByteBuffer()) throws {
        self.configuration = configuration
        self.deflater = try RawDeflater(parameters: configuration.deflate)
        self.inflater = try RawInflater()
        self.compressed = pendingInput
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if hasInput { pump(context: context) }
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        guard !failed else { return }
        if compressed.readableBytes == 0 {
            compressed = incoming
        } else {
            compressed.discardReadBytes()
            compressed.writeBuffer(&incoming)
        }
        pump(context: context)
    }

    func read(context: ChannelHandlerContext) {
        readRequested = true
        if pumping { return }
        if hasInput {
            pump(context: context)
        } else {
            context.read()
        }
    }

    /// Compressed input is waiting for the next handler to ask (tests check backpressure with it).
    var hasPendingInput: Bool { hasInput }

    private var hasInput: Bool {
        compressed.readableBytes > 0 || inflater.mayHaveOutput
    }

    /// Hands inflated chunks on while the next handler wants them and input lasts; asks the
    /// socket for more once everything received is inflated.
    private func pump(context: ChannelHandlerContext) {
        guard !pumping, !failed else { return }
        pumping = true
        defer { pumping = false }
        var stalled = false
        while readRequested && hasInput {
            let before = compressed.readableBytes
            let chunk: ByteBuffer
            do {
                chunk = try inflater.inflate(&compressed, limit: configuration.maxChunk, allocator: context.channel.allocator)
            } catch {
                fail(error, context: context)
                return
            }
            if chunk.readableBytes == 0 {
                // Consumed input without output yet (a block header): go on while zlib progresses.
                if compressed.readableBytes == before {
                    stalled = true   // zlib cannot progress on what it has: it needs more input
                    break
                }
                continue
            }
            readRequested = false
            context.fireChannelRead(wrapInboundOut(chunk))
            context.fireChannelReadComplete()
            // Ask the pipeline whether it wants more: the read travels from the tail through the
            // framing handler, which holds it back when its buffer is full; otherwise it reaches
            // `read(context:)` above and sets `readRequested` again.
            context.channel.read()
        }
        if compressed.readableBytes == 0 && compressed.capacity > 0 { compressed = ByteBuffer() }
        if readRequested && (stalled || !hasInput) { context.read() }
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !failed else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        let input = unwrapOutboundIn(data)
        if input.readableBytes > 0 { unflushed = true }
        var output = context.channel.allocator.buffer(capacity: 0)
        do {
            try deflater.deflate(input, flush: false, into: &output)
        } catch {
            promise?.fail(error)
            fail(error, context: context)
            return
        }
        if output.readableBytes > 0 {
            context.write(wrapOutboundOut(output), promise: combined(with: promise))
        } else if let promise {
            if let waitingPromise { waitingPromise.futureResult.cascade(to: promise) } else { waitingPromise = promise }
        }
    }

    func flush(context: ChannelHandlerContext) {
        guard !failed else { return }
        guard unflushed else {
            if let waiting = combined(with: nil) {
                context.write(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: waiting)
            }
            context.flush()
            return
        }
        unflushed = false
        var output = context.channel.allocator.buffer(capacity: 0)
        do {
            try deflater.deflate(context.channel.allocator.buffer(capacity: 0), flush: true, into: &output)
        } catch {
            fail(error, context: context)
            return
        }
        context.write(wrapOutboundOut(output), promise: combined(with: nil))
        context.flush()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        waitingPromise?.fail(ChannelError.ioOnClosedChannel)
        waitingPromise = nil
    }

    /// The promise to attach to the next bytes that leave: the waiting ones and `promise`.
    private func combined(with promise: EventLoopPromise<Void>?) -> EventLoopPromise<Void>? {
        guard let waiting = waitingPromise else { return promise }
        waitingPromise = nil
        if let promise { promise.futureResult.cascade(to: waiting) }
        return promise ?? waiting
    }

    private func fail(_ error: any Error, context: ChannelHandlerContext) {
        failed = true
        compressed = ByteBuffer()
        waitingPromise?.fail(error)
        waitingPromise = nil
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }
}
