import NIOCore
import NIOEmbedded
import NIOSSL
import NetworkTestSupport
import ProtocolListener
import Testing

@Suite struct LineServerConfigurationTests {
    typealias Configuration = ProtocolListener<ByteBuffer, ByteBuffer>.Configuration

    @Test func busyLineGetsItsCRLFAndTheOtherFieldsPassThrough() {
        let configuration = Configuration.lineServer(
            name: "pop3", host: "127.0.0.1", port: 1110, shutdownGracePeriod: .seconds(7),
            connectionLimits: ConnectionLimits(maxConnections: 3, maxConnectionsPerAddress: 2),
            busyLine: "-ERR [SYS/TEMP] busy", implicitTLS: nil)
        #expect(configuration.busyGreeting == Array("-ERR [SYS/TEMP] busy\r\n".utf8))
        #expect(configuration.name == "pop3")
        #expect(configuration.port == 1110)
        #expect(configuration.shutdownGracePeriod == .seconds(7))
        #expect(configuration.connectionLimits.maxConnections == 3)
        #expect(configuration.connectionLimits.maxConnectionsPerAddress == 2)
    }

    @Test func aPlainPortRefusesWithoutTLS() throws {
        let configuration = Configuration.lineServer(
            name: "imap", host: "127.0.0.1", port: 0, shutdownGracePeriod: .seconds(1),
            connectionLimits: ConnectionLimits(), busyLine: "* BYE", implicitTLS: nil)
        let channel = EmbeddedChannel()
        try configuration.rejectionPipeline(channel)
        #expect(throws: (any Error).self) {
            try channel.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self)
        }
    }

    @Test func anImplicitTLSPortRefusesOverTLS() throws {
        let configuration = Configuration.lineServer(
            name: "imaps", host: "127.0.0.1", port: 0, shutdownGracePeriod: .seconds(1),
            connectionLimits: ConnectionLimits(), busyLine: "* BYE",
            implicitTLS: try TestCertificate.makeServerContext())
        let channel = EmbeddedChannel()
        try configuration.rejectionPipeline(channel)
        _ = try channel.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self)
    }
}
