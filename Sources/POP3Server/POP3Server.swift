// The POP3 listener (pop3 with STLS, or pop3s): the POP3 pipeline and session on top of the
// shared accept loop. FacteurServer wraps it as a ServiceLifecycle Service.

import Auth
import Logging
import MailStore
import Metrics
import NIOCore
import NIOPosix
import NIOSSL
import ProtocolListener

/// A listening POP3 server. `Sendable` so a service runner can hold it and call `shutdown()`
/// from any task.
///
/// ```swift
/// let locks = POP3MaildropLocks()   // share one between the pop3 and pop3s listeners
/// let server = POP3Server(configuration: .init(port: 110, hostname: "mx.example.test", tlsContext: tls),
///                         store: store, authenticator: authenticator, maildropLocks: locks, logger: logger)
/// try await withGracefulShutdownHandler { try await server.run() } onGracefulShutdown: { server.shutdown() }
/// ```
/// `shutdown()` is graceful: stop accepting, answer idle sessions "-ERR [SYS/TEMP]" and close them
/// without committing deletions, let a RETR in progress finish within `shutdownGracePeriod`.
public final class POP3Server: Sendable {
    /// What one session needs besides its connection; captured by the listener's `serve` closure.
    private struct SessionDependencies: Sendable {
        let configuration: Configuration
        let store: any MailStore
        let authenticator: Authenticator
        let locks: POP3MaildropLocks
        let logger: Logger
        let metrics: POP3Metrics
        let throttle: LoginThrottle?
    }

    public let configuration: Configuration
    private let listener: ProtocolListener<POP3InboundFrame, POP3OutboundInstruction>

    /// `maildropLocks`: pass the same registry to every POP3 listener of the process, so pop3 and
    /// pop3s cannot open one maildrop twice. `metricsFactory`: nil uses the bootstrapped system.
    /// `loginThrottle`: share one across every listener of the process (POP3, SMTP AUTH, IMAP) so
    /// switching protocol gains a guesser nothing; nil switches throttling off.
    public init(configuration: Configuration, store: any MailStore, authenticator: Authenticator,
                maildropLocks: POP3MaildropLocks = POP3MaildropLocks(), logger: Logger,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                metricsFactory: (any MetricsFactory)? = nil, loginThrottle: LoginThrottle? = nil) {
        self.configuration = configuration
        let metrics = POP3Metrics(listener: configuration.listenerName, factory: metricsFactory)
        let dependencies = SessionDependencies(
            configuration: configuration, store: store, authenticator: authenticator, locks: maildropLocks,
            logger: logger, metrics: metrics, throttle: loginThrottle)
        // The closures capture values, not `self`: the listener is owned by `self`.
        self.listener = ProtocolListener(
            configuration: .lineServer(
                name: configuration.listenerName, host: configuration.host, port: configuration.port,
                shutdownGracePeriod: configuration.shutdownGracePeriod, connectionLimits: configuration.connectionLimits,
                busyLine: "-ERR [SYS/TEMP] Too many connections, try again later",
                implicitTLS: configuration.implicitTLS ? configuration.tlsContext : nil),
            logger: logger, eventLoopGroup: eventLoopGroup,
            childPipeline: { channel in
                try POP3Server.addChildHandlers(to: channel, configuration: configuration, metrics: metrics)
            },
            shutdownEvent: POP3ShutdownEvent(),
            serve: { connection, number in await POP3Server.serve(connection, number: number, dependencies) })
    }

    /// The bound address, once `run()` has bound it (waits until then; throws if binding failed).
    public func localAddress() async throws -> SocketAddress {
        try await listener.localAddress()
    }

    /// Binds and serves until `shutdown()` (or cancellation); returns when every session has ended.
    public func run() async throws {
        try await listener.run()
    }

    /// Graceful shutdown: stop accepting, tell every session, close whatever is left after
    /// `shutdownGracePeriod`. Safe to call more than once, from anywhere.
    public func shutdown() {
        listener.shutdown()
    }

    /// Runs on the child's event loop: implicit TLS first (pop3s, RFC 8314 §3.3), then POP3 framing.
    private static func addChildHandlers(
        to channel: any Channel, configuration: Configuration, metrics: POP3Metrics
    ) throws -> NIOAsyncChannel<POP3InboundFrame, POP3OutboundInstruction> {
        let framing = POP3FramingHandler.Configuration(
            maxCommandLineLength: configuration.maxCommandLineLength,
            maxSASLLineLength: configuration.maxSASLLineLength,
            idleTimeout: configuration.idleTimeout, preLoginTimeout: configuration.preLoginTimeout,
            tlsContext: configuration.tlsContext, metrics: metrics)
        // A RETR hands over a store read (1 MiB) at a time: with NIO's default 64 KiB high water
        // mark the session waited for the socket to drain almost empty before preparing the next
        // read, so the socket idled meanwhile. Still bounded: about 2 MiB queued per connection.
        try channel.syncOptions?.setOption(.writeBufferWaterMark,
                                          value: .init(low: 512 * 1024, high: 2 * 1024 * 1024))
        try ImplicitTLS.addServerHandler(configuration.implicitTLS ? configuration.tlsContext : nil, to: channel)
        let sync = channel.pipeline.syncOperations
        try sync.addHandler(POP3FramingHandler(configuration: framing))
        // A client that stops reading in the middle of a RETR is disconnected after 5 minutes.
        try sync.addHandler(WriteStallTimeoutHandler(timeout: .minutes(5)))
        return try NIOAsyncChannel<POP3InboundFrame, POP3OutboundInstruction>(wrappingChannelSynchronously: channel)
    }

    private static func serve(
        _ connection: NIOAsyncChannel<POP3InboundFrame, POP3OutboundInstruction>, number: Int,
        _ dependencies: SessionDependencies
    ) async {
        let configuration = dependencies.configuration
        let connectionID = "\(configuration.listenerName)-\(number)"
        let remoteAddress = connection.channel.remoteAddress?.ipAddress ?? ""
        var logger = dependencies.logger
        logger[metadataKey: "connection.id"] = "\(connectionID)"
        logger[metadataKey: "remote.address"] = "\(remoteAddress.isEmpty ? "unknown" : remoteAddress)"
        let tlsAvailable = configuration.tlsContext != nil
        let implicitTLS = configuration.implicitTLS && tlsAvailable
        let machine = POP3SessionStateMachine(configuration: .init(
            hostname: configuration.hostname, tlsAvailable: tlsAvailable && !implicitTLS,
            credentialsAllowedWithoutTLS: configuration.allowPlaintextAuth(remoteAddress, false),
            credentialsAllowedWithTLS: configuration.allowPlaintextAuth(remoteAddress, true),
            maxErrors: configuration.maxErrors, maxAuthFailures: configuration.maxAuthFailures,
            saslMechanisms: SASLServer.Mechanism.allCases.map(\.rawValue)),
            tlsActive: implicitTLS)
        // The session runs on its channel's event loop (POP3Connection+EventLoop.swift).
        await withTaskExecutorPreference(EventLoopTaskExecutor(connection.channel.eventLoop)) {
            var session = POP3Connection(channel: connection, store: dependencies.store,
                                         authenticator: dependencies.authenticator, locks: dependencies.locks,
                                         machine: machine, connectionID: connectionID, logger: logger,
                                         metrics: dependencies.metrics, chunkSize: configuration.retrieveChunkSize,
                                         throttle: dependencies.throttle, remoteAddress: remoteAddress)
            await session.run()
        }
    }
}
