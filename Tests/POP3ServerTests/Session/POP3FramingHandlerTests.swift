import NIOCore
import NIOEmbedded
import Testing
@testable import POP3Server

@Suite struct POP3FramingHandlerTests {
    static func makeChannel(maxLine: Int = 512, maxSASL: Int = 2048) throws -> EmbeddedChannel {
        let handler = POP3FramingHandler(configuration: .init(
            maxCommandLineLength: maxLine, maxSASLLineLength: maxSASL, idleTimeout: .minutes(10), tlsContext: nil))
        let channel = EmbeddedChannel(handler: handler)
        // The greeting unpauses the handler.
        try channel.writeOutbound(POP3OutboundInstruction.send(ByteBuffer(string: "+OK hi\r\n"), then: .command))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "+OK hi\r\n"))
        return channel
    }

    static func feed(_ channel: EmbeddedChannel, _ bytes: [UInt8], byteByByte: Bool) throws {
        if byteByByte {
            for byte in bytes { try channel.writeInbound(ByteBuffer(bytes: [byte])) }
        } else {
            try channel.writeInbound(ByteBuffer(bytes: bytes))
        }
    }

    /// Reads the next frame and answers it as the session would.
    static func next(_ channel: EmbeddedChannel, then answer: POP3OutboundInstruction.Next = .command) throws -> POP3InboundFrame? {
        guard let frame = try channel.readInbound(as: POP3InboundFrame.self) else { return nil }
        try channel.writeOutbound(POP3OutboundInstruction.send(ByteBuffer(string: "+OK\r\n"), then: answer))
        _ = try channel.readOutbound(as: ByteBuffer.self)
        return frame
    }

    static func line(_ text: String) -> POP3InboundFrame { .line(Array(text.utf8)) }

    @Test(arguments: [false, true])
    func splitsPipelinedCommandsOneAtATime(byteByByte: Bool) throws {
        let channel = try Self.makeChannel()
        try Self.feed(channel, Array("USER a\r\nPASS b c\r\nSTAT\nLIST\r\n".utf8), byteByByte: byteByByte)
        #expect(try Self.next(channel) == Self.line("USER a"))
        #expect(try Self.next(channel) == Self.line("PASS b c"))
        #expect(try Self.next(channel) == Self.line("STAT"))
        #expect(try Self.next(channel) == Self.line("LIST"))
        #expect(try Self.next(channel) == nil)
    }

    @Test func pausesUntilTheSessionAnswersAndWhileStreaming() throws {
        let channel = try Self.makeChannel()
        try Self.feed(channel, Array("RETR 1\r\nQUIT\r\n".utf8), byteByByte: false)
        #expect(try channel.readInbound(as: POP3InboundFrame.self) == Self.line("RETR 1"))
        #expect(try channel.readInbound(as: POP3InboundFrame.self) == nil)
        // Chunks of a message: still paused.
        try channel.writeOutbound(POP3OutboundInstruction.send(ByteBuffer(string: "+OK\r\nabc"), then: .more))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "+OK\r\nabc"))
        #expect(try channel.readInbound(as: POP3InboundFrame.self) == nil)
        try channel.writeOutbound(POP3OutboundInstruction.send(ByteBuffer(string: "\r\n.\r\n"), then: .command))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "\r\n.\r\n"))
        #expect(try channel.readInbound(as: POP3InboundFrame.self) == Self.line("QUIT"))
    }

    @Test(arguments: [false, true])
    func overlongLineIsReportedOnceAndResynchronises(byteByByte: Bool) throws {
        let channel = try Self.makeChannel(maxLine: 300)
        let long = Array(repeating: UInt8(ascii: "A"), count: 5000)
        try Self.feed(channel, long + Array("\r\nNOOP\r\n".utf8), byteByByte: byteByByte)
        #expect(try Self.next(channel) == .lineTooLong)
        #expect(try Self.next(channel) == Self.line("NOOP"))
        #expect(try Self.next(channel) == nil)
    }

    @Test func lineAtTheLimitPassesOneOverDoesNot() throws {
        let channel = try Self.makeChannel(maxLine: 300)
        let exact = String(repeating: "x", count: 300)
        let over = String(repeating: "y", count: 301)
        try Self.feed(channel, Array("\(exact)\r\n\(over)\r\nNOOP\r\n".utf8), byteByByte: false)
        #expect(try Self.next(channel) == Self.line(exact))
        #expect(try Self.next(channel) == .lineTooLong)
        #expect(try Self.next(channel) == Self.line("NOOP"))
    }

    @Test func saslResponseMayBeLongerThanACommand() throws {
        let channel = try Self.makeChannel(maxLine: 300, maxSASL: 2048)
        let response = String(repeating: "Q", count: 1024)
        try Self.feed(channel, Array("AUTH PLAIN\r\n\(response)\r\n\(response)\r\n".utf8), byteByByte: false)
        #expect(try Self.next(channel, then: .saslResponse) == Self.line("AUTH PLAIN"))
        #expect(try Self.next(channel) == Self.line(response))
        // Back to commands: the same length is now too long.
        #expect(try Self.next(channel) == .lineTooLong)
    }

    @Test func nulIsPassedToTheParserWhichRefusesIt() throws {
        let channel = try Self.makeChannel()
        try Self.feed(channel, Array("US\u{0}ER a\r\nNOOP\r\n".utf8), byteByByte: false)
        guard case .line(let bytes) = try Self.next(channel) else {
            Issue.record("expected a line")
            return
        }
        #expect(bytes.contains(0))
        #expect(throws: POP3CommandError.invalidCharacters) { try POP3CommandParser.parse(bytes) }
        #expect(try Self.next(channel) == Self.line("NOOP"))
    }

    @Test func timeoutFiresOnlyWhileWaitingForTheClient() throws {
        let handler = POP3FramingHandler(configuration: .init(
            maxCommandLineLength: 512, maxSASLLineLength: 2048, idleTimeout: .seconds(600), tlsContext: nil))
        let channel = EmbeddedChannel(handler: handler)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1200))
        #expect(try channel.readInbound(as: POP3InboundFrame.self) == nil)   // paused before the greeting
        try channel.writeOutbound(POP3OutboundInstruction.send(ByteBuffer(string: "+OK\r\n"), then: .command))
        channel.embeddedEventLoop.advanceTime(by: .seconds(599))
        #expect(try channel.readInbound(as: POP3InboundFrame.self) == nil)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(try channel.readInbound(as: POP3InboundFrame.self) == .timedOut)
    }

    @Test func shutdownWaitsUntilTheSessionIsIdle() throws {
        let channel = try Self.makeChannel()
        try Self.feed(channel, Array("RETR 1\r\n".utf8), byteByByte: false)
        #expect(try channel.readInbound(as: POP3InboundFrame.self) == Self.line("RETR 1"))
        channel.pipeline.triggerUserOutboundEvent(POP3ShutdownEvent(), promise: nil)
        #expect(try channel.readInbound(as: POP3InboundFrame.self) == nil)
        try channel.writeOutbound(POP3OutboundInstruction.send(ByteBuffer(string: "+OK\r\n.\r\n"), then: .command))
        #expect(try channel.readInbound(as: POP3InboundFrame.self) == .shutdown)
    }

    static func offer(_ numbers: [Int]) -> POP3OutboundInstruction {
        var table = POP3PreparedAnswers()
        for number in numbers {
            table.insert(.init(bytes: ByteBuffer(string: "+OK m\(number)\r\n.\r\n"), octets: 2), number: number)
        }
        return .offer(table)
    }

    @Test(arguments: [false, true])
    func preparedRETRsAreAnsweredHereInOrderAndOtherLinesDropTheTable(byteByByte: Bool) throws {
        let channel = try Self.makeChannel()
        try Self.feed(channel, Array("NOOP\r\n".utf8), byteByByte: false)
        #expect(try channel.readInbound(as: POP3InboundFrame.self) == Self.line("NOOP"))
        try channel.writeOutbound(Self.offer([2, 3, 4]))
        try channel.writeOutbound(POP3OutboundInstruction.send(ByteBuffer(string: "+OK\r\n"), then: .command))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "+OK\r\n"))
        // Pipelined: the prepared ones leave before the line the session gets; "retr" as the parser reads it.
        try Self.feed(channel, Array("RETR 2\r\nretr 3\r\nDELE 4\r\nRETR 4\r\n".utf8), byteByByte: byteByByte)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "+OK m2\r\n.\r\n"))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "+OK m3\r\n.\r\n"))
        #expect(try Self.next(channel) == Self.line("DELE 4"))
        // DELE went to the session and dropped the table: RETR 4 goes to the session too.
        #expect(try Self.next(channel) == Self.line("RETR 4"))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
    }

    @Test func aPreparedAnswerIsSentOnceAndUnknownNumbersGoToTheSession() throws {
        let channel = try Self.makeChannel()
        try channel.writeOutbound(Self.offer([1]))
        try Self.feed(channel, Array("RETR 1\r\nRETR 1\r\n".utf8), byteByByte: false)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "+OK m1\r\n.\r\n"))
        #expect(try Self.next(channel) == Self.line("RETR 1"))
        try channel.writeOutbound(Self.offer([1]))
        try Self.feed(channel, Array("RETR 01x\r\nRETR 1\r\n".utf8), byteByByte: false)
        #expect(try Self.next(channel) == Self.line("RETR 01x"))
        #expect(try Self.next(channel) == Self.line("RETR 1"))   // the table went with "RETR 01x"
    }

    @Test func closeInstructionClosesAfterWriting() throws {
        let channel = try Self.makeChannel()
        try channel.writeOutbound(POP3OutboundInstruction.send(ByteBuffer(string: "+OK bye\r\n"), then: .close))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "+OK bye\r\n"))
        #expect(!channel.isActive)
    }
}
