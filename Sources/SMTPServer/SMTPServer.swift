// The SMTP/LMTP listener: the SMTP pipeline and session on top of the shared accept loop.
// FacteurServer wraps it as a ServiceLifecycle Service.

import Logging
import Metrics
import NIOCore
import NIOPosix
import NIOSSL
import ProtocolListener

/// A listening SMTP or LMTP server. `Sendable` so a service runner can hold it and call
/// `shutdown()` from any task.
///
/// ```swift
/// let server = SMTPServer(configuration: .init(port: 0, hostname: "mx.example.test"),
///                         receiver: delivery, logger: logger)
/// try await withGracefulShutdownHandler { try await server.run() } onGracefulShutdown: { server.shutdown() }
/// ```
/// `shutdown()` is graceful (stop accepting, 421 to idle sessions, DATA in progress may finish
/// within `shutdownGracePeriod`). Cancelling the task running `run()` also shuts down, but
/// cancellation reaches the session tasks too, so they end without waiting.
public final class SMTPServer: Sendable {
    public let configuration: Configuration
    private let listener: ProtocolListener<SMTPInboundFrame, SMTPOutboundInstruction>

    /// `metricsFactory`: nil uses the bootstrapped `MetricsSystem`; tests pass their own.
    public init(configuration: Configuration, receiver: any SMTPReceiver, logger: Logger,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                metricsFactory: (any MetricsFactory)? = nil) {
        self.configuration = configuration
        let metrics = SMTPMetrics(listener: configuration.kind, factory: metricsFactory)
        // The closures capture values, not `self`: the listener is owned by `self`.
        self.listener = ProtocolListener(
            configuration: .lineServer(
                name: configuration.kind.rawValue, host: configuration.host, port: configuration.port,
                shutdownGracePeriod: configuration.shutdownGracePeriod, connectionLimits: configuration.connectionLimits,
                // RFC 5321 §3.1: a server that cannot serve may answer 421 in place of 220.
                busyLine: "421 4.7.0 \(configuration.hostname) Too many connections, try again later",
                implicitTLS: configuration.implicitTLS ? configuration.tlsContext : nil),
            logger: logger, eventLoopGroup: eventLoopGroup,
            childPipeline: { channel in try SMTPServer.addChildHandlers(to: channel, configuration: configuration) },
            shutdownEvent: SMTPShutdownEvent(),
            serve: { connection, number in
                await SMTPServer.serve(connection, number: number, configuration: configuration, receiver: receiver,
                                 logger: logger, metrics: metrics)
            })
    }

    /// The bound address, once `run()` has bound it (waits until then; throws if binding failed).
    public func localAddress() async throws -> SocketAddress {
        try await listener.localAddress()
    }

    /// Binds and serves until `shutdown()` (or cancellation); returns when every session has ended.
    public func run() async throws {
        try await listener.run()
    }

    /// Graceful shutdown: stop accepting, tell every session (421 between transactions), and
    /// close whatever is left after `shutdownGracePeriod`. Safe to call more than once, from anywhere.
    public func shutdown() {
        listener.shutdown()
    }

    /// Runs on the child's event loop: implicit TLS first (RFC 8314), then SMTP framing.
    private static func addChildHandlers(
        to channel: any Channel, configuration: Configuration
    ) throws -> NIOAsyncChannel<SMTPInboundFrame, SMTPOutboundInstruction> {
        let framing = SMTPFramingHandler.Configuration(
            maxLineLength: configuration.maxCommandLineLength, maxMessageSize: configuration.maxMessageSize,
            commandTimeout: configuration.commandTimeout, dataTimeout: configuration.dataTimeout,
            tlsContext: configuration.tlsContext)
        try ImplicitTLS.addServerHandler(configuration.implicitTLS ? configuration.tlsContext : nil, to: channel)
        let sync = channel.pipeline.syncOperations
        try sync.addHandler(SMTPFramingHandler(
            configuration: framing, implicitTLS: configuration.implicitTLS && configuration.tlsContext != nil))
        // A client that stops reading our replies (a long EHLO list, pipelined RCPTs) is cut after 5 minutes.
        try sync.addHandler(WriteStallTimeoutHandler(timeout: .minutes(5)))
        return try NIOAsyncChannel<SMTPInboundFrame, SMTPOutboundInstruction>(wrappingChannelSynchronously: channel)
    }

    private static func serve(
        _ connection: NIOAsyncChannel<SMTPInboundFrame, SMTPOutboundInstruction>, number: Int,
        configuration: Configuration, receiver: any SMTPReceiver, logger: Logger, metrics: SMTPMetrics
    ) async {
        let connectionID = "\(configuration.kind.rawValue)-\(number)"
        let remote = connection.channel.remoteAddress
        var logger = logger
        logger[metadataKey: "connection.id"] = "\(connectionID)"
        logger[metadataKey: "remote.address"] = "\(remote?.ipAddress ?? "unknown")"
        let info = SMTPSessionInfo(kind: configuration.kind, connectionID: connectionID,
                                   remoteAddress: remote?.ipAddress ?? "", remotePort: remote?.port ?? 0,
                                   localHostname: configuration.hostname)
        let machine = SMTPSessionStateMachine(configuration: .init(
            kind: configuration.kind, hostname: configuration.hostname,
            maxMessageSize: configuration.maxMessageSize, maxRecipients: configuration.maxRecipients,
            maxErrors: configuration.maxErrors,
            tlsAvailable: configuration.tlsContext != nil && !configuration.implicitTLS),
            tlsActive: configuration.implicitTLS && configuration.tlsContext != nil)
        var session = SMTPConnection(channel: connection, receiver: receiver, machine: machine, info: info,
                                     logger: logger, metrics: metrics)
        await session.run()
    }
}
