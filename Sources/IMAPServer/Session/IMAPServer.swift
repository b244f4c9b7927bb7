// The IMAP listener (imap with STARTTLS, or imaps): the IMAP pipeline and session on top of the
// shared accept loop. FacteurServer wraps it as a ServiceLifecycle Service.

import Auth
import Logging
import MailStore
import Metrics
import NIOCore
import NIOPosix
import NIOSSL
import ProtocolListener

/// A listening IMAP server. `Sendable` so a service runner can hold it and call `shutdown()`
/// from any task.
///
/// ```swift
/// let hub = IMAPChangeHub(store: store)        // one per process; run it as a service
/// let server = IMAPServer(configuration: .init(port: 143, hostname: "mx.example.test", tlsContext: tls),
///                         store: store, authenticator: authenticator, changeHub: hub, logger: logger)
/// try await withGracefulShutdownHandler { try await server.run() } onGracefulShutdown: { server.shutdown() }
/// ```
/// `shutdown()` is graceful: stop accepting, answer waiting sessions `* BYE [UNAVAILABLE]` and
/// close them, let a command in progress finish within `shutdownGracePeriod`.
public final class IMAPServer: Sendable {
    public let configuration: Configuration
    private let listener: ConnectionListener<IMAPConnection>

    /// `changeHub`: one per process, shared by imap and imaps, and run (`hub.run()`) for as long
    /// as the listeners. `loginThrottle`: share one across every listener of the process so
    /// switching protocol gains a guesser nothing; nil switches throttling off.
    public init(configuration: Configuration, store: any MailStore, authenticator: Authenticator,
                changeHub: IMAPChangeHub, logger: Logger,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                metricsFactory: (any MetricsFactory)? = nil, loginThrottle: LoginThrottle? = nil) {
        self.configuration = configuration
        let dependencies = IMAPSession.Dependencies(
            configuration: configuration, store: store, authenticator: authenticator, hub: changeHub,
            logger: logger, metrics: IMAPMetrics(listener: configuration.listenerName, factory: metricsFactory),
            throttle: loginThrottle)
        let framing = IMAPFramingHandler.Configuration(
            framer: configuration.framer, autologout: configuration.preLoginTimeout, tlsContext: configuration.tlsContext)
        let implicitTLS = configuration.implicitTLS ? configuration.tlsContext : nil
        // The closures capture values, not `self`: the listener is owned by `self`.
        self.listener = ConnectionListener(
            configuration: configuration.listenerConfiguration,
            logger: logger, eventLoopGroup: eventLoopGroup,
            childPipeline: { channel in
                try IMAPChildPipeline.configure(channel, framing: framing, implicitTLS: implicitTLS)
            },
            shutdownEvent: IMAPShutdownEvent(),
            serve: { connection, number in
                await connection.driver.run {
                    IMAPSession(connection: connection, dependencies: dependencies, connectionNumber: number)
                }
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

    /// Graceful shutdown. Safe to call more than once, from anywhere.
    public func shutdown() {
        listener.shutdown()
    }
}
