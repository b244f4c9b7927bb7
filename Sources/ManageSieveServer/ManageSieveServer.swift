// The ManageSieve listener (RFC 5804, port 4190): the framing pipeline and session on top of the
// shared accept loop. FacteurServer wraps it as a ServiceLifecycle Service.

import Auth
import Logging
import MailStore
import Metrics
import NIOCore
import NIOPosix
import NIOSSL
import ProtocolListener

/// A listening ManageSieve server. `Sendable` so a service runner can hold it and call
/// `shutdown()` from any task.
///
/// ```swift
/// let server = ManageSieveServer(configuration: .init(port: 4190, hostname: "mx.example.test", tlsContext: tls),
///                                store: store, authenticator: authenticator, logger: logger)
/// try await withGracefulShutdownHandler { try await server.run() } onGracefulShutdown: { server.shutdown() }
/// ```
/// `shutdown()` is graceful: stop accepting, answer idle sessions `BYE (TRYLATER)` and close them,
/// let a command in progress finish within `shutdownGracePeriod`.
public final class ManageSieveServer: Sendable {
    /// What one session needs besides its connection; captured by the listener's `serve` closure.
    struct SessionDependencies: Sendable {
        let configuration: Configuration
        let store: any MailStore
        let authenticator: Authenticator
        let logger: Logger
        let metrics: ManageSieveMetrics
        let throttle: LoginThrottle?
    }

    public let configuration: Configuration
    private let listener: ProtocolListener<ManageSieveInboundFrame, ManageSieveOutboundInstruction>

    /// `metricsFactory`: nil uses the bootstrapped system. `loginThrottle`: share one across every
    /// listener of the process (POP3, IMAP, SMTP AUTH) so switching protocol gains a guesser
    /// nothing; nil switches throttling off.
    public init(configuration: Configuration, store: any MailStore, authenticator: Authenticator, logger: Logger,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                metricsFactory: (any MetricsFactory)? = nil, loginThrottle: LoginThrottle? = nil) {
        self.configuration = configuration
        let dependencies = SessionDependencies(
            configuration: configuration, store: store, authenticator: authenticator, logger: logger,
            metrics: ManageSieveMetrics(listener: configuration.listenerName, factory: metricsFactory),
            throttle: loginThrottle)
        // The closures capture values, not `self`: the listener is owned by `self`.
        self.listener = ProtocolListener(
            configuration: configuration.listenerConfiguration,
            logger: logger, eventLoopGroup: eventLoopGroup,
            childPipeline: { channel in try ManageSieveServer.addChildHandlers(to: channel, configuration: configuration) },
            shutdownEvent: ManageSieveShutdownEvent(),
            serve: { connection, number in await ManageSieveServer.serve(connection, number: number, dependencies) })
    }

    /// The bound address, once `run()` has bound it (waits until then; throws if binding failed).
    public func localAddress() async throws -> SocketAddress {
        try await listener.localAddress()
    }

    /// Binds and serves until `shutdown()` (or cancellation); returns when every session has ended.
    public func run() async throws {
        try await listener.run()
    }

    /// Graceful shutdown; safe to call more than once, from anywhere.
    public func shutdown() {
        listener.shutdown()
    }

    private static func addChildHandlers(
        to channel: any Channel, configuration: Configuration
    ) throws -> NIOAsyncChannel<ManageSieveInboundFrame, ManageSieveOutboundInstruction> {
        let framing = ManageSieveFramingHandler.Configuration(
            framer: configuration.framer, initialLiteralLimit: configuration.maxUnauthenticatedLiteralSize,
            idleTimeout: configuration.idleTimeout, preLoginTimeout: configuration.preLoginTimeout,
            tlsContext: configuration.tlsContext)
        try channel.pipeline.syncOperations.addHandler(ManageSieveFramingHandler(configuration: framing))
        // A client that stops reading (GETSCRIPT of a large script) is cut after 5 minutes.
        try channel.pipeline.syncOperations.addHandler(WriteStallTimeoutHandler(timeout: .minutes(5)))
        return try NIOAsyncChannel<ManageSieveInboundFrame, ManageSieveOutboundInstruction>(
            wrappingChannelSynchronously: channel)
    }

    private static func serve(
        _ connection: NIOAsyncChannel<ManageSieveInboundFrame, ManageSieveOutboundInstruction>, number: Int,
        _ dependencies: SessionDependencies
    ) async {
        let connectionID = "\(dependencies.configuration.listenerName)-\(number)"
        let remoteAddress = connection.channel.remoteAddress?.ipAddress ?? ""
        var logger = dependencies.logger
        logger[metadataKey: "connection.id"] = "\(connectionID)"
        logger[metadataKey: "remote.address"] = "\(remoteAddress.isEmpty ? "unknown" : remoteAddress)"
        var session = ManageSieveSession(channel: connection, dependencies: dependencies, logger: logger,
                                         remoteAddress: remoteAddress)
        await session.run()
    }
}
