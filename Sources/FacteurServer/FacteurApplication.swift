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
import ProtocolListener
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
        var delivery = DeliveryConfiguration(hostname: configuration.hostname,
                                             sieveBeforePath: configuration.sieve.beforeScript,
                                             sieveGlobalDirectory: configuration.sieve.globalDirectory)
        delivery.mailboxLimits = MailboxLimits(
            maxMailboxesPerAccount: configuration.limits.maxMailboxesPerAccount,
            maxNameLength: configuration.limits.maxMailboxNameLength, maxDepth: configuration.limits.maxMailboxDepth)
        let pipeline = DeliveryPipeline(store: handle.store, configuration: delivery, logger: logger)
        let receiver = SMTPDeliveryAdapter(pipeline: pipeline)
        let authenticator = Authenticator(store: handle.store, hasher: PasswordHasher())
        let maildropLocks = POP3MaildropLocks()   // shared by pop3 and pop3s
        // One per process: failures on any listener slow and then refuse the same address.
        let loginThrottle = LoginThrottle(configuration: configuration.security.loginThrottleConfiguration())
        // One subscription to the store's change feed feeds IDLE on every IMAP listener.
        let changeHub = IMAPChangeHub(store: handle.store)
        let limits = configuration.limits
        // One counter for the process: `max_connections` is the total over every listener, and
        // one address cannot spread past `max_connections_per_address` by switching protocol.
        let connectionLimits = ConnectionLimits(
            maxConnections: limits.maxConnections, maxConnectionsPerAddress: limits.maxConnectionsPerAddress,
            onRefused: ConnectionRefusalMetrics().hook)
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
                var smtp = SMTPServer.Configuration(
                    kind: name == .lmtp ? .lmtp : .smtp, host: address.host, port: address.port,
                    hostname: configuration.hostname, maxMessageSize: limits.maxMessageSize,
                    maxRecipients: limits.maxRecipients,
                    maxCommandLineLength: limits.lineLength(default: 2048, floor: 512),
                    commandTimeout: .seconds(Int64(limits.smtpCommandTimeoutSeconds)),
                    dataTimeout: .seconds(Int64(limits.smtpDataTimeoutSeconds)),
                    tlsContext: tls.sslContext)
                smtp.connectionLimits = connectionLimits
                let server = SMTPServer(configuration: smtp, receiver: receiver, logger: logger)
                services.append(ListenerService(name: name, address: address, server: server, onBound: announce))
            case .pop3, .pop3s:
                var pop3 = POP3Server.Configuration(
                    host: address.host, port: address.port, hostname: configuration.hostname,
                    tlsContext: tls.sslContext, implicitTLS: name == .pop3s,
                    allowPlaintextAuth: configuration.security.plaintextAuthPolicy,
                    maxCommandLineLength: limits.lineLength(default: 512, floor: 512))
                pop3.connectionLimits = connectionLimits
                pop3.preLoginTimeout = .seconds(Int64(limits.preloginTimeoutSeconds))
                let server = POP3Server(
                    configuration: pop3,
                    store: handle.store, authenticator: authenticator, maildropLocks: maildropLocks, logger: logger,
                    loginThrottle: loginThrottle)
                services.append(ListenerService(name: name, address: address, server: server, onBound: announce))
            case .imap, .imaps:
                var framer = IMAPCommandFramer.Configuration()
                framer.maxAppendLiteralSize = UInt64(limits.maxMessageSize)
                framer.maxLiteralSize = UInt64(limits.maxLiteralSize)
                // RFC 7162 §4: servers should accept command lines of at least 8192 octets.
                framer.maxLineLength = limits.lineLength(default: framer.maxLineLength, floor: 8192)
                var imap = IMAPServer.Configuration(
                    host: address.host, port: address.port, hostname: configuration.hostname,
                    tlsContext: tls.sslContext, implicitTLS: name == .imaps,
                    allowPlaintextAuth: configuration.security.plaintextAuthPolicy, framer: framer,
                    preLoginTimeout: .seconds(Int64(limits.preloginTimeoutSeconds)),
                    autologout: .seconds(Int64(limits.imapAutologoutSeconds)),
                    maxMailboxesPerAccount: limits.maxMailboxesPerAccount)
                imap.maxMailboxNameLength = limits.maxMailboxNameLength
                imap.maxMailboxDepth = limits.maxMailboxDepth
                imap.connectionLimits = connectionLimits
                let server = IMAPServer(
                    configuration: imap,
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
                var sieve = ManageSieveServer.Configuration(
                    host: address.host, port: address.port, hostname: configuration.hostname,
                    tlsContext: tls.sslContext, allowPlaintextAuth: configuration.security.plaintextAuthPolicy,
                    maxLineLength: limits.lineLength(default: 8192, floor: 1100))
                sieve.connectionLimits = connectionLimits
                sieve.preLoginTimeout = .seconds(Int64(limits.preloginTimeoutSeconds))
                let server = ManageSieveServer(
                    configuration: sieve,
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
