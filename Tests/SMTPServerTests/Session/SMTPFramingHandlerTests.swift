import NIOCore
import NIOEmbedded
import Testing
@testable import SMTPServer

@Suite struct SMTPFramingHandlerTests {
    static func makeChannel(maxLine: Int = 512, maxSize: Int = 1000) throws -> EmbeddedChannel {
        let handler = SMTPFramingHandler(configuration: .init(
            maxLineLength: maxLine, maxMessageSize: maxSize, commandTimeout: .minutes(5),
            dataTimeout: .minutes(3), tlsContext: nil))
        let channel = EmbeddedChannel(handler: handler)
        // The greeting unpauses the handler.
        try channel.writeOutbound(SMTPOutboundInstruction.reply([SMTPReply(220, nil, "hi")], then: .command))
        _ = try channel.readOutbound(as: ByteBuffer.self)
        return channel
    }

    static func feed(_ channel: EmbeddedChannel, _ bytes: [UInt8], byteByByte: Bool) throws {
        if byteByByte {
            for byte in bytes { try channel.writeInbound(ByteBuffer(bytes: [byte])) }
        } else {
            try channel.writeInbound(ByteBuffer(bytes: bytes))
        }
    }

    /// Reads the next frame and answers it with an instruction, as the session would.
    static func next(_ channel: EmbeddedChannel, then answer: SMTPOutboundInstruction.Next = .command) throws -> SMTPInboundFrame? {
        guard let frame = try channel.readInbound(as: SMTPInboundFrame.self) else { return nil }
        try channel.writeOutbound(SMTPOutboundInstruction.reply([SMTPReply(250, nil, "ok")], then: answer))
        _ = try channel.readOutbound(as: ByteBuffer.self)
        return frame
    }

    static func line(_ text: String) -> SMTPInboundFrame { .line(Array(text.utf8)) }

    @Test(arguments: [false, true])
    func splitsPipelinedCommandsOneAtATime(byteByByte: Bool) throws {
        let channel = try Self.makeChannel()
        try Self.feed(channel, Array("EHLO a\r\nMAIL FROM:<x@y>\r\nNOOP\n".utf8), byteByByte: byteByByte)
        #expect(try Self.next(channel) == Self.line("EHLO a"))
        #expect(try Self.next(channel) == Self.line("MAIL FROM:<x@y>"))
        #expect(try Self.next(channel) == Self.line("NOOP"))
        #expect(try Self.next(channel) == nil)
    }

    @Test func pausesUntilTheSessionAnswers() throws {
        let channel = try Self.makeChannel()
        try Self.feed(channel, Array("NOOP\r\nNOOP\r\n".utf8), byteByByte: false)
        #expect(try channel.readInbound(as: SMTPInboundFrame.self) == Self.line("NOOP"))
        #expect(try channel.readInbound(as: SMTPInboundFrame.self) == nil)
    }

    @Test(arguments: [false, true])
    func readsDataWithDotStuffingThenCommands(byteByByte: Bool) throws {
        let channel = try Self.makeChannel()
        try Self.feed(channel, Array("DATA\r\nline\r\n..dot\r\n.\r\nQUIT\r\n".utf8), byteByByte: byteByByte)
        #expect(try Self.next(channel, then: .data) == Self.line("DATA"))
        #expect(try Self.next(channel) == .message(Array("line\r\n.dot\r\n".utf8), tooLarge: false,
                                                   bareLineEnding: false, octets: 12))
        #expect(try Self.next(channel) == Self.line("QUIT"))
    }

    @Test(arguments: ["a\n.\nMAIL FROM:<e@vil>\r\n", "a\n.\r\nMAIL FROM:<e@vil>\r\n", "a\r.\rMAIL FROM:<e@vil>\r\n"])
    func smugglingNeverEndsData(body: String) throws {
        let channel = try Self.makeChannel()
        try Self.feed(channel, Array(("DATA\r\n" + body).utf8), byteByByte: false)
        #expect(try Self.next(channel, then: .data) == Self.line("DATA"))
        #expect(try channel.readInbound(as: SMTPInboundFrame.self) == nil)
        try Self.feed(channel, Array(".\r\n".utf8), byteByByte: false)
        guard case .message(_, _, let bare, _) = try Self.next(channel) else { Issue.record(); return }
        #expect(bare)
    }

    @Test(arguments: [false, true])
    func readsBDATChunksExactly(byteByByte: Bool) throws {
        let channel = try Self.makeChannel()
        let binary: [UInt8] = [0, 13, 10, 46, 13, 10, 255]
        try Self.feed(channel, Array("BDAT 7 LAST\r\n".utf8) + binary + Array("QUIT\r\n".utf8), byteByByte: byteByByte)
        #expect(try Self.next(channel, then: .chunk(size: 7, keep: true)) == Self.line("BDAT 7 LAST"))
        #expect(try Self.next(channel) == .chunk(binary, octets: 7))
        #expect(try Self.next(channel) == Self.line("QUIT"))
    }

    @Test func discardsBDATChunkWhenTold() throws {
        let channel = try Self.makeChannel()
        try Self.feed(channel, Array("BDAT 3\r\nabcNOOP\r\n".utf8), byteByByte: false)
        _ = try Self.next(channel, then: .chunk(size: 3, keep: false))
        #expect(try Self.next(channel) == .chunk(nil, octets: 3))
        #expect(try Self.next(channel) == Self.line("NOOP"))
    }

    @Test func oneMegabyteLineIsDroppedAndResynchronises() throws {
        let channel = try Self.makeChannel(maxLine: 512)
        let huge = [UInt8](repeating: UInt8(ascii: "A"), count: 1_000_000)
        for start in stride(from: 0, to: huge.count, by: 65_536) {
            try Self.feed(channel, Array(huge[start..<min(start + 65_536, huge.count)]), byteByByte: false)
            if start == 0 { #expect(try Self.next(channel) == .lineTooLong) }
        }
        try Self.feed(channel, Array("\r\nNOOP\r\n".utf8), byteByByte: false)
        #expect(try Self.next(channel) == Self.line("NOOP"))
        #expect(try Self.next(channel) == nil)
    }

    @Test func lineJustOverTheLimitInOneReadIsTooLong() throws {
        let channel = try Self.makeChannel(maxLine: 512)
        let line = "NOOP " + String(repeating: "x", count: 600) + "\r\nRSET\r\n"
        try Self.feed(channel, Array(line.utf8), byteByByte: false)
        #expect(try Self.next(channel) == .lineTooLong)
        #expect(try Self.next(channel) == Self.line("RSET"))
    }

    @Test func nulBytesReachTheParserAndAreRejected() throws {
        let channel = try Self.makeChannel()
        try Self.feed(channel, Array("NO\u{0}OP\r\n".utf8), byteByByte: false)
        guard case .line(let bytes) = try Self.next(channel) else { Issue.record(); return }
        #expect(throws: SMTPCommandError.invalidCharacters) { try SMTPCommandParser.parse(bytes) }
    }

    @Test func oversizedDataIsReadToTheEndAndFlagged() throws {
        let channel = try Self.makeChannel(maxSize: 100)
        try Self.feed(channel, Array("DATA\r\n".utf8), byteByByte: false)
        _ = try Self.next(channel, then: .data)
        for _ in 0..<100 { try Self.feed(channel, Array("0123456789\r\n".utf8), byteByByte: false) }
        try Self.feed(channel, Array(".\r\nNOOP\r\n".utf8), byteByByte: false)
        #expect(try Self.next(channel) == .message([], tooLarge: true, bareLineEnding: false, octets: 1200))
        #expect(try Self.next(channel) == Self.line("NOOP"))
    }

    @Test func shutdownWaitsForTheEndOfData() throws {
        let channel = try Self.makeChannel()
        try Self.feed(channel, Array("DATA\r\nabc\r\n".utf8), byteByByte: false)
        _ = try Self.next(channel, then: .data)
        channel.pipeline.triggerUserOutboundEvent(SMTPShutdownEvent(), promise: nil)
        #expect(try channel.readInbound(as: SMTPInboundFrame.self) == nil)
        try Self.feed(channel, Array(".\r\nNOOP\r\n".utf8), byteByByte: false)
        guard case .message = try Self.next(channel) else { Issue.record(); return }
        #expect(try Self.next(channel) == .shutdown)
    }

    @Test func shutdownWhileIdleIsImmediate() throws {
        let channel = try Self.makeChannel()
        channel.pipeline.triggerUserOutboundEvent(SMTPShutdownEvent(), promise: nil)
        #expect(try channel.readInbound(as: SMTPInboundFrame.self) == .shutdown)
    }

    @Test func timesOutWhileWaitingForTheClient() throws {
        let handler = SMTPFramingHandler(configuration: .init(
            maxLineLength: 512, maxMessageSize: 1000, commandTimeout: .seconds(10),
            dataTimeout: .seconds(5), tlsContext: nil))
        let channel = EmbeddedChannel(handler: handler)
        try channel.writeOutbound(SMTPOutboundInstruction.reply([], then: .command))
        channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(try channel.readInbound(as: SMTPInboundFrame.self) == nil)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(try channel.readInbound(as: SMTPInboundFrame.self) == .timedOut)
    }

    @Test func writesRepliesAndClosesAfterTheLastOne() throws {
        let channel = try Self.makeChannel()
        try channel.writeOutbound(SMTPOutboundInstruction.reply([SMTPReply(221, "2.0.0", "bye")], then: .close))
        let written = try channel.readOutbound(as: ByteBuffer.self)
        #expect(written.map { String(buffer: $0) } == "221 2.0.0 bye\r\n")
        #expect(!channel.isActive)
    }
}
