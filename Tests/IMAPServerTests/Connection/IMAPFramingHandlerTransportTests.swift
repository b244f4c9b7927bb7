// STARTTLS on the live pipeline, read backpressure, and the child pipeline the listener builds.

import NetworkTestSupport
import NIOCore
import NIOEmbedded
import NIOSSL
import Testing
@testable import IMAPServer

@Suite struct IMAPFramingHandlerTransportTests {
    typealias Harness = IMAPFramingHarness

    static func address() throws -> SocketAddress { try SocketAddress(ipAddress: "127.0.0.1", port: 1) }

    /// Moves bytes between two embedded channels until neither has anything to say.
    static func shuttle(_ client: EmbeddedChannel, _ server: EmbeddedChannel) throws {
        var moved = true
        while moved {
            moved = false
            while let bytes = try client.readOutbound(as: ByteBuffer.self) {
                try server.writeInbound(bytes)
                moved = true
            }
            while let bytes = try server.readOutbound(as: ByteBuffer.self) {
                try client.writeInbound(bytes)
                moved = true
            }
        }
    }

    // RFC 9051 §6.2.1, CVE-2011-0411: a command pipelined in plaintext behind STARTTLS is thrown
    // away; the TLS handler sits in front of the framing handler, so later commands come over TLS.
    @Test func startTLSDiscardsPipelinedPlaintextAndContinuesOverTLS() throws {
        let harness = try Harness(tlsContext: try TestCertificate.makeServerContext())
        try harness.channel.connect(to: Self.address()).wait()
        try harness.feed("a1 STARTTLS\r\na2 LOGIN mallory secret\r\n")
        #expect(try harness.frame() == Harness.command("a1 STARTTLS"))
        #expect(try harness.answer("a1 OK Begin TLS negotiation now\r\n", then: .startTLS)
                == "a1 OK Begin TLS negotiation now\r\n")
        #expect(try harness.frame() == nil)
        // In front of everything, the read counter at the head included.
        let handlers = harness.channel.pipeline.debugDescription
        let tlsPosition = try #require(handlers.range(of: "NIOSSLServerHandler")).lowerBound
        let counterPosition = try #require(handlers.range(of: "ReadCounter")).lowerBound
        #expect(tlsPosition < counterPosition)

        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        let client = EmbeddedChannel(handler: try NIOSSLClientHandler(context: NIOSSLContext(configuration: tls), serverHostname: nil))
        try client.connect(to: Self.address()).wait()
        try Self.shuttle(client, harness.channel)
        try client.writeOutbound(ByteBuffer(string: "a3 CAPABILITY\r\n"))
        try Self.shuttle(client, harness.channel)
        #expect(try harness.frame() == Harness.command("a3 CAPABILITY"))

        try harness.channel.writeOutbound(IMAPOutboundInstruction.send(ByteBuffer(string: "a3 OK\r\n"), then: .command))
        try Self.shuttle(client, harness.channel)
        #expect(try client.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "a3 OK\r\n"))
        #expect(try harness.frame() == nil)   // a2 never surfaced
    }

    // A client that never starts the handshake hits the autologout timer; the BYE cannot leave
    // before the handshake, so the close does not wait for it forever.
    @Test func silentClientAfterStartTLSIsLoggedOutAndClosed() throws {
        let harness = try Harness(autologout: .seconds(60), tlsContext: try TestCertificate.makeServerContext())
        try harness.channel.connect(to: Self.address()).wait()
        try harness.feed("a1 STARTTLS\r\n")
        #expect(try harness.frame() == Harness.command("a1 STARTTLS"))
        try harness.answer("a1 OK Begin TLS negotiation now\r\n", then: .startTLS)
        harness.advance(.seconds(61))
        #expect(try harness.frame() == .timedOut)
        try harness.channel.writeOutbound(IMAPOutboundInstruction.send(ByteBuffer(string: "* BYE\r\n"), then: .close))
        #expect(harness.channel.isActive)   // the BYE waits for a handshake that never comes
        harness.advance(.seconds(31))
        #expect(!harness.channel.isActive)
    }

    @Test func startTLSWithoutAContextCloses() throws {
        let harness = try Harness()
        try harness.channel.connect(to: Self.address()).wait()
        try harness.feed("a1 STARTTLS\r\n")
        #expect(try harness.frame() == Harness.command("a1 STARTTLS"))
        try harness.answer("a1 OK\r\n", then: .startTLS)
        #expect(!harness.channel.isActive)
    }

    @Test func readsStopWhilePausedWithAFullBufferAndResumeWhenItDrains() throws {
        let harness = try Harness(maxBufferedInput: 64)
        let start = harness.readCounter.reads
        harness.channel.read()   // waiting for the client: forwarded
        #expect(harness.readCounter.reads == start + 1)

        // Twelve 10-octet commands in one read: 110 octets stay buffered behind the first.
        try harness.feed((1...12).map { "a\($0 < 10 ? "0" : "")\($0) NOOP\r\n" }.joined())
        #expect(try harness.frame() == Harness.command("a01 NOOP"))
        harness.channel.read()
        #expect(harness.readCounter.reads == start + 1)   // held back
        for number in 2...5 {
            try harness.answer("")
            #expect(try harness.frame() == Harness.command("a0\(number) NOOP"))
            #expect(harness.readCounter.reads == start + 1)   // 70 or more octets still buffered
        }
        try harness.answer("")
        #expect(try harness.frame() == Harness.command("a06 NOOP"))
        #expect(harness.readCounter.reads == start + 2)   // 60 octets: the held read goes out
        harness.channel.read()
        #expect(harness.readCounter.reads == start + 3)
    }

    @Test func childPipelineAddsImplicitTLSInFrontOnlyWhenAsked() throws {
        let context = try TestCertificate.makeServerContext()
        let framing = IMAPFramingHandler.Configuration(framer: .init(), autologout: .minutes(30), tlsContext: context)
        let implicit = EmbeddedChannel()
        _ = try IMAPChildPipeline.configure(implicit, framing: framing, implicitTLS: context)
        let handlers = implicit.pipeline.debugDescription
        let tlsPosition = try #require(handlers.range(of: "NIOSSLServerHandler")).lowerBound
        let framingPosition = try #require(handlers.range(of: "IMAPFramingHandler")).lowerBound
        #expect(tlsPosition < framingPosition)

        let plain = EmbeddedChannel()
        _ = try IMAPChildPipeline.configure(plain, framing: framing, implicitTLS: nil)
        #expect(throws: (any Error).self) { try plain.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self) }
        #expect(throws: Never.self) { try plain.pipeline.syncOperations.handler(type: IMAPFramingHandler.self) }
    }
}
