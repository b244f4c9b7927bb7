// The composition root: configuration in, running listeners out. Owns the order of start-up
// (store, TLS, pipeline, listeners) and of shutdown (listeners drain, then the store closes).
import Auth
import Delivery
import Foundation
import HTTPServer
import IMAPServer
import Logging
import MailStore
import ManageSieveServer
import NIOSSL
import POP3Server
import SMTPServer
import ServiceLifecycle

public struct FacteurApplication: Sendable {
    let configuration: FacteurConfiguration
    let metrics: FacteurMetrics
    let logger: Logger
    /// Called once per listener when it is bound, with the real port (tests bind port 0).
    let onListening: @Sendable (ListenerName, ListenerAddress) -> Void

    public init(configuration: FacteurConfiguration, metrics: FacteurMetrics, logger: Logger,
                onListening: @escaping @Sendable (ListenerName, ListenerAddress) -> Void = { _, _ in }) {
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.onListening = onListening
    }

    /// Logs the line scripts wait for (DESIGN.md) and tells the embedding code.
    private func announce(_ name: ListenerName, _ address: ListenerAddress) {
        logger.notice("listening \(name.rawValue) \(address)")
        onListening(name, address)
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully and returns.
    public func run() async throws {
        let handle = try StoreHandle.open(configuration: configuration, logger: logger)
        let tls = try TLSMaterial.load(configuration: configuration, logger: logger)
        logger.info("tls ready", metadata: ["tls.fingerprint": "\(tls.fingerprintSHA256)"])
        let pipeline = DeliveryPipeline(
            store: handle.store,
            configuration: DeliveryConfiguration(hostname: configuration.hostname,
                                                 sieveBeforePath: configuration.sieve.beforeScript,
                                                 sieveGlobalDirectory: configuration.sieve.globalDirectory),
            logger: logger)
        let receiver = SMTPDeliveryAdapter(pipeline: pipeline)
        let authenticator = Authenticator(store: handle.store, hasher: PasswordHasher())
        let maildropLocks = POP3MaildropLocks()   // shared by pop3 and pop3s
        // One per process: failures on any listener slow and then refuse the same address.
        let loginThrottle = LoginThrottle(configuration: configuration.security.loginThrottleConfiguration())
        // One subscription to the store's change feed feeds IDLE on every IMAP listener.
        let changeHub = IMAPChangeHub(store: handle.store)
        let announce: @Sendable (ListenerName, ListenerAddress) -> Void = { name, address in
            self.announce(name, address)
        }

        var services: [any Service] = []
        if configuration.listeners.keys.contains(.http) {
            services.append(LoginThrottleMetricsService(throttle: loginThrottle))
        }
        if configuration.listeners.keys.contains(where: { $0 == .imap || $0 == .imaps }) {
            services.append(ChangeHubService(hub: changeHub))
        }
        for (name, address) in configuration.listeners.sorted(by: { $0.key < $1.key }) {
            switch name {
            case .smtp, .lmtp:
                let server = SMTPServer(
                    configuration: SMTPServer.Configuration(
                        kind: name == .lmtp ? .lmtp : .smtp, host: address.host, port: address.port,
                        hostname: configuration.hostname, maxMessageSize: configuration.limits.maxMessageSize,
                        tlsContext: tls.sslContext),
                    receiver: receiver, logger: logger)
                services.append(ListenerService(name: name, address: address, server: server, onBound: announce))
            case .pop3, .pop3s:
                let server = POP3Server(
                    configuration: POP3Server.Configuration(
                        host: address.host, port: address.port, hostname: configuration.hostname,
                        tlsContext: tls.sslContext, implicitTLS: name == .pop3s,
                        allowPlaintextAuth: configuration.security.plaintextAuthPolicy),
                    store: handle.store, authenticator: authenticator, maildropLocks: maildropLocks, logger: logger,
                    loginThrottle: loginThrottle)
                services.append(ListenerService(name: name, address: address, server: server, onBound: announce))
            case .imap, .imaps:
                var framer = IMAPCommandFramer.Configuration()
                framer.maxAppendLiteralSize = UInt64(configuration.limits.maxMessageSize)
                let server = IMAPServer(
                    configuration: IMAPServer.Configuration(
                        host: address.host, port: address.port, hostname: configuration.hostname,
                        tlsContext: tls.sslContext, implicitTLS: name == .imaps,
                        allowPlaintextAuth: configuration.security.plaintextAuthPolicy, framer: framer),
                    store: handle.store, authenticator: authenticator, changeHub: changeHub, logger: logger,
                    loginThrottle: loginThrottle)
                services.append(ListenerService(name: name, address: address, server: server, onBound: announce))
            case .http:
                services.append(AdminHTTPServer.makeApplication(
                    host: address.host, port: address.port, store: handle.store, registry: metrics.registry,
                    logger: logger, onBound: { host, port in
                        announce(.http, ListenerAddress(host: host, port: port))
                    }))
            case .managesieve:
                // Scripts are checked with the compiler options delivery runs them with (the defaults).
                let server = ManageSieveServer(
                    configuration: ManageSieveServer.Configuration(
                        host: address.host, port: address.port, hostname: configuration.hostname,
                        tlsContext: tls.sslContext, allowPlaintextAuth: configuration.security.plaintextAuthPolicy),
                    store: handle.store, authenticator: authenticator, logger: logger, loginThrottle: loginThrottle)
                services.append(ListenerService(name: name, address: address, server: server, onBound: announce))
            case .submission, .submissions:
                // todo: each arrives with its issue (sending).
                logger.notice("listener \(name.rawValue) is configured but not available in this version")
            }
        }

        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
        logger.info("stopped")
    }
}
