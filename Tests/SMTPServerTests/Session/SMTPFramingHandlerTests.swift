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

    static func group(_ lines: String...) -> SMTPInboundFrame { .pipelined(lines.map { .line(Array($0.utf8)) }) }

    /// RFC 2920 §3.2 (5): EHLO's reply is never held back, so EHLO ends a group (here: alone); MAIL's
    /// may be, so MAIL and the NOOP after it go to the session together.
    @Test(arguments: [false, true])
    func splitsPipelinedCommandsIntoGroups(byteByByte: Bool) throws {
        let channel = try Self.makeChannel()
        try Self.feed(channel, Array("EHLO a\r\nMAIL FROM:<x@y>\r\nNOOP\n".utf8), byteByByte: byteByByte)
        #expect(try Self.next(channel) == Self.line("EHLO a"))
        #expect(try Self.next(channel) == Self.group("MAIL FROM:<x@y>", "NOOP"))
        #expect(try Self.next(channel) == nil)
    }

    /// The group of a pipelined transaction ends at DATA: the body after it is framed only once
    /// the session says `.data`.
    @Test func groupsMailRcptDataAndWaitsBeforeTheBody() throws {
        let channel = try Self.makeChannel()
        let input = "MAIL FROM:<x@y>\r\nrcpt TO:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nMAIL FROM:<no@t>\r\n.\r\n"
        try Self.feed(channel, Array(input.utf8), byteByByte: false)
        #expect(try Self.next(channel, then: .data)
                == Self.group("MAIL FROM:<x@y>", "rcpt TO:<a@b>", "RCPT TO:<c@d>", "DATA"))
        #expect(try Self.next(channel) == .message(Array("MAIL FROM:<no@t>\r\n".utf8), tooLarge: false,
                                                   bareLineEnding: false, octets: 18))
    }

    /// A line whose reply may not be held back starts no group: NOOP then MAIL are two frames.
    @Test func unbufferedReplyStartsNoGroup() throws {
        let channel = try Self.makeChannel()
        try Self.feed(channel, Array("NOOP\r\nMAIL FROM:<x@y>\r\n".utf8), byteByByte: false)
        #expect(try Self.next(channel) == Self.line("NOOP"))
        #expect(try Self.next(channel) == Self.line("MAIL FROM:<x@y>"))
    }

    @Test func overLongLineEndsAGroup() throws {
        let channel = try Self.makeChannel(maxLine: 512)
        let input = "RSET\r\nRCPT TO:<" + String(repeating: "x", count: 600) + ">\r\nRCPT TO:<a@b>\r\n"
        try Self.feed(channel, Array(input.utf8), byteByByte: false)
        #expect(try Self.next(channel) == .pipelined([.line(Array("RSET".utf8)), .tooLong]))
        #expect(try Self.next(channel) == Self.line("RCPT TO:<a@b>"))
    }

    @Test func groupsAreBounded() throws {
        let channel = try Self.makeChannel()
        let count = SMTPFramingHandler.maxPipelinedLines + 10
        try Self.feed(channel, Array(String(repeating: "RCPT TO:<a@b>\r\n", count: count).utf8), byteByByte: false)
        guard case .pipelined(let first) = try Self.next(channel) else { Issue.record(); return }
        #expect(first.count == SMTPFramingHandler.maxPipelinedLines)
        guard case .pipelined(let second) = try Self.next(channel) else { Issue.record(); return }
        #expect(second.count == 10)
        #expect(try Self.next(channel) == nil)
    }

    @Test(arguments: [
        ("MAIL FROM:<a@b>", true), ("mail from:<a@b>", true), ("RcPt TO:<a@b>", true), ("RSET", true),
        ("rset", true), ("MAIL", true), ("RSETX", false), ("MAILFROM:<a@b>", false), ("DATA", false),
        ("EHLO a", false), ("NOOP", false), ("QUIT", false), ("BDAT 3 LAST", false), ("STARTTLS", false),
        ("AUTH PLAIN", false), ("", false), ("RCP", false), ("R\u{0}PT TO:<a@b>", false), ("MAIL\tFROM:<a@b>", false),
    ])
    func holdsOnlyRsetMailAndRcptReplies(line: String, holds: Bool) {
        #expect(SMTPFramingHandler.mayHoldReply(to: Array(line.utf8)) == holds)
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
