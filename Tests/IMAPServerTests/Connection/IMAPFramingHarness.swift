// Drives an IMAPFramingHandler on an EmbeddedChannel the way the session task would.

import NIOCore
import NIOEmbedded
import NIOSSL
import Testing
@testable import IMAPServer

/// Counts the read() calls that get past the framing handler towards the socket.
final class ReadCounter: ChannelOutboundHandler {
    typealias OutboundIn = Any
    private(set) var reads = 0

    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }
}

struct IMAPFramingHarness {
    let channel: EmbeddedChannel
    let readCounter = ReadCounter()

    /// A connection whose greeting was written, so the handler waits for the first command.
    init(framer: IMAPCommandFramer.Configuration = .init(), autologout: TimeAmount = .minutes(30),
         tlsContext: NIOSSLContext? = nil, maxBufferedInput: Int = 65_536, greet: Bool = true) throws {
        var configuration = IMAPFramingHandler.Configuration(framer: framer, autologout: autologout, tlsContext: tlsContext)
        configuration.maxBufferedInput = maxBufferedInput
        channel = EmbeddedChannel(handlers: [readCounter, IMAPFramingHandler(configuration: configuration)])
        if greet {
            #expect(try answer("* OK IMAP4rev2 ready\r\n") == "* OK IMAP4rev2 ready\r\n")
        }
    }

    func feed(_ text: String, byteByByte: Bool = false) throws {
        try feed(Array(text.utf8), byteByByte: byteByByte)
    }

    func feed(_ bytes: [UInt8], byteByByte: Bool = false) throws {
        if byteByByte {
            for byte in bytes { try channel.writeInbound(ByteBuffer(bytes: [byte])) }
        } else {
            try channel.writeInbound(ByteBuffer(bytes: bytes))
        }
    }

    /// The next frame the handler emitted, nil when it emitted none.
    func frame() throws -> IMAPInboundFrame? {
        try channel.readInbound(as: IMAPInboundFrame.self)
    }

    /// Answers as the session would; returns what reached the socket (nil when nothing was written).
    @discardableResult
    func answer(_ text: String, then next: IMAPOutboundInstruction.Next = .command) throws -> String? {
        try channel.writeOutbound(IMAPOutboundInstruction.send(ByteBuffer(string: text), then: next))
        return try written()
    }

    func written() throws -> String? {
        try channel.readOutbound(as: ByteBuffer.self).map { String(buffer: $0) }
    }

    /// Reads the next frame and answers it with `then`.
    func next(then next: IMAPOutboundInstruction.Next = .command) throws -> IMAPInboundFrame? {
        guard let frame = try frame() else { return nil }
        try answer("", then: next)
        return frame
    }

    func setAutologout(_ duration: TimeAmount) throws {
        try channel.writeOutbound(IMAPOutboundInstruction.setAutologout(duration))
    }

    func signal(_ event: any Sendable) {
        channel.pipeline.triggerUserOutboundEvent(event, promise: nil)
    }

    func advance(_ amount: TimeAmount) {
        channel.embeddedEventLoop.advanceTime(by: amount)
    }

    static func command(_ text: String) -> IMAPInboundFrame {
        .framing(.command(IMAPCommandFrame(text)))
    }
}
