// The framing handler on an EmbeddedChannel: one command at a time, literals, fatal framing.

import NIOCore
import NIOEmbedded
import Testing
@testable import ManageSieveServer

struct ManageSieveFramingHandlerTests {
    static func channel() throws -> EmbeddedChannel {
        let handler = ManageSieveFramingHandler(configuration: .init(
            framer: .init(maxLineLength: 1100, maxLiteralSize: 2048), initialLiteralLimit: 2048, idleTimeout: .minutes(30), tlsContext: nil))
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(handler)
        return channel
    }

    static func answer(_ channel: EmbeddedChannel, _ text: String) throws {
        try channel.writeOutbound(ManageSieveOutboundInstruction.send(ByteBuffer(string: text), then: .command))
    }

    @Test func pipelinedCommandsWaitForTheAnswer() throws {
        let channel = try Self.channel()
        // Paused until the greeting is written.
        try channel.writeInbound(ByteBuffer(string: "NOOP\r\nPUTSCRIPT \"a\" {5+}\r\nkeep;\r\nLOGOUT\r\n"))
        #expect(try channel.readInbound(as: ManageSieveInboundFrame.self) == nil)
        try Self.answer(channel, "OK\r\n")
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "OK\r\n"))
        #expect(try channel.readInbound(as: ManageSieveInboundFrame.self) == .command(.init(text: "NOOP")))
        #expect(try channel.readInbound(as: ManageSieveInboundFrame.self) == nil)
        try Self.answer(channel, "OK\r\n")
        #expect(try channel.readInbound(as: ManageSieveInboundFrame.self)
                == .command(.init([.text(Array("PUTSCRIPT \"a\" ".utf8)), .literal(Array("keep;".utf8)), .text([])])))
        try Self.answer(channel, "OK\r\n")
        #expect(try channel.readInbound(as: ManageSieveInboundFrame.self) == .command(.init(text: "LOGOUT")))
        _ = try channel.finish()
    }

    @Test func overLongLineIsReportedOnceAndNothingMoreIsRead() throws {
        let channel = try Self.channel()
        try Self.answer(channel, "OK\r\n")
        try channel.writeInbound(ByteBuffer(string: String(repeating: "A", count: 1500)))
        #expect(try channel.readInbound(as: ManageSieveInboundFrame.self) == .rejected(.lineTooLong))
        try Self.answer(channel, "")
        try channel.writeInbound(ByteBuffer(string: "\r\nNOOP\r\n"))
        #expect(try channel.readInbound(as: ManageSieveInboundFrame.self) == nil)
        _ = try channel.finish()
    }

    @Test func closeInstructionClosesAfterWriting() throws {
        let channel = try Self.channel()
        try channel.writeOutbound(ManageSieveOutboundInstruction.send(ByteBuffer(string: "BYE\r\n"), then: .close))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "BYE\r\n"))
        channel.embeddedEventLoop.run()
        #expect(throws: (any Error).self) {
            try channel.writeOutbound(ManageSieveOutboundInstruction.send(ByteBuffer(string: "OK\r\n"), then: .command))
        }
    }

    @Test func preLoginTimeoutUntilAuthenticatedThenTheIdleTimeout() throws {
        let handler = ManageSieveFramingHandler(configuration: .init(
            framer: .init(maxLineLength: 1100, maxLiteralSize: 2048), initialLiteralLimit: 2048,
            idleTimeout: .minutes(30), preLoginTimeout: .seconds(60), tlsContext: nil))
        let channel = EmbeddedChannel(handler: handler)
        try Self.answer(channel, "OK\r\n")
        channel.embeddedEventLoop.advanceTime(by: .seconds(59))
        #expect(try channel.readInbound(as: ManageSieveInboundFrame.self) == nil)
        try channel.writeInbound(ByteBuffer(string: "AUTHENTICATE \"PLAIN\" \"x\"\r\n"))
        #expect(try channel.readInbound(as: ManageSieveInboundFrame.self) != nil)
        // The session logs the client in: the RFC 5804 §1.2 timer applies from its answer on.
        try channel.writeOutbound(ManageSieveOutboundInstruction.setAuthenticated(true))
        try Self.answer(channel, "OK\r\n")
        channel.embeddedEventLoop.advanceTime(by: .minutes(29))
        #expect(try channel.readInbound(as: ManageSieveInboundFrame.self) == nil)
        channel.embeddedEventLoop.advanceTime(by: .minutes(2))
        #expect(try channel.readInbound(as: ManageSieveInboundFrame.self) == .timedOut)
        _ = try channel.finish()
    }

    @Test func unauthenticateBringsThePreLoginTimeoutBack() throws {
        let handler = ManageSieveFramingHandler(configuration: .init(
            framer: .init(maxLineLength: 1100, maxLiteralSize: 2048), initialLiteralLimit: 2048,
            idleTimeout: .minutes(30), preLoginTimeout: .seconds(60), tlsContext: nil))
        let channel = EmbeddedChannel(handler: handler)
        try channel.writeOutbound(ManageSieveOutboundInstruction.setAuthenticated(true))
        try channel.writeOutbound(ManageSieveOutboundInstruction.setAuthenticated(false))
        try Self.answer(channel, "OK\r\n")
        channel.embeddedEventLoop.advanceTime(by: .seconds(61))
        #expect(try channel.readInbound(as: ManageSieveInboundFrame.self) == .timedOut)
        _ = try channel.finish()
    }
}
