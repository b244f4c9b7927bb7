// The POP3 listener (pop3 with STLS, or pop3s): binds, accepts, runs one session task per
// connection, shuts down gracefully. FacteurServer wraps it as a ServiceLifecycle Service.

import Auth
import Logging
import MailStore
import Metrics
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

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
    private struct State {
        var serverChannel: (any Channel)?
        var address: SocketAddress?
        var bindError: (any Error)?
        var addressWaiters: [CheckedContinuation<SocketAddress, any Error>] = []
        var children: [ObjectIdentifier: any Channel] = [:]
        var shuttingDown = false
        var nextConnectionNumber = 0
    }

    public let configuration: Configuration
    private let store: any MailStore
    private let authenticator: Authenticator
    private let locks: POP3MaildropLocks
    private let logger: Logger
    private let group: any EventLoopGroup
    private let metrics: POP3Metrics
    private let state = Mutex(State())

    /// `maildropLocks`: pass the same registry to every POP3 listener of the process, so pop3 and
    /// pop3s cannot open one maildrop twice. `metricsFactory`: nil uses the bootstrapped system.
    public init(configuration: Configuration, store: any MailStore, authenticator: Authenticator,
                maildropLocks: POP3MaildropLocks = POP3MaildropLocks(), logger: Logger,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                metricsFactory: (any MetricsFactory)? = nil) {
        self.configuration = configuration
        self.store = store
        self.authenticator = authenticator
        self.locks = maildropLocks
        self.logger = logger
        self.group = eventLoopGroup
        self.metrics = POP3Metrics(listener: configuration.listenerName, factory: metricsFactory)
    }

    /// The bound address, once `run()` has bound it (waits until then; throws if binding failed).
    public func localAddress() async throws -> SocketAddress {
        try await withCheckedThrowingContinuation { continuation in
            state.withLock { state in
                if let address = state.address {
                    continuation.resume(returning: address)
                } else if let error = state.bindError {
                    continuation.resume(throwing: error)
                } else {
                    state.addressWaiters.append(continuation)
                }
            }
        }
    }

    /// Binds and serves until `shutdown()` (or cancellation); returns when every session has ended.
    public func run() async throws {
        let serverChannel: NIOAsyncChannel<NIOAsyncChannel<POP3InboundFrame, POP3OutboundInstruction>, Never>
        do {
            serverChannel = try await bind()
        } catch {
            let waiters = state.withLock { state in
                state.bindError = error
                defer { state.addressWaiters = [] }
                return state.addressWaiters
            }
            waiters.forEach { $0.resume(throwing: error) }
            throw error
        }
        let address = serverChannel.channel.localAddress
        let (waiters, alreadyShuttingDown) = state.withLock { state in
            state.serverChannel = serverChannel.channel
            state.address = address
            defer { state.addressWaiters = [] }
            return (state.addressWaiters, state.shuttingDown)
        }
        if let address { waiters.forEach { $0.resume(returning: address) } }
        let name = configuration.listenerName
        logger.debug("bound \(name) \(address?.ipAddress ?? configuration.host):\(address?.port ?? configuration.port)")
        if alreadyShuttingDown { serverChannel.channel.close(promise: nil) }

        try await withTaskCancellationHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await serverChannel.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await self.serve(connection) }
                    }
                }
            }
        } onCancel: {
            self.shutdown()
        }
        logger.info("stopped \(name) listener")
    }

    /// Graceful shutdown: stop accepting, tell every session, close whatever is left after
    /// `shutdownGracePeriod`. Safe to call more than once, from anywhere.
    public func shutdown() {
        let (serverChannel, children, first) = state.withLock { state in
            defer { state.shuttingDown = true }
            return (state.serverChannel, Array(state.children.values), !state.shuttingDown)
        }
        guard first else { return }
        logger.info("shutting down \(configuration.listenerName) listener")
        serverChannel?.close(promise: nil)
        for child in children { child.triggerUserOutboundEvent(POP3ShutdownEvent(), promise: nil) }
        group.next().scheduleTask(in: configuration.shutdownGracePeriod) {
            let remaining = self.state.withLock { Array($0.children.values) }
            for child in remaining { child.close(promise: nil) }
        }
    }

    private func bind() async throws -> NIOAsyncChannel<NIOAsyncChannel<POP3InboundFrame, POP3OutboundInstruction>, Never> {
        let configuration = configuration
        let framing = POP3FramingHandler.Configuration(
            maxCommandLineLength: configuration.maxCommandLineLength,
            maxSASLLineLength: configuration.maxSASLLineLength,
            idleTimeout: configuration.idleTimeout, tlsContext: configuration.tlsContext)
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if configuration.implicitTLS, let tlsContext = configuration.tlsContext {
                        try sync.addHandler(NIOSSLServerHandler(context: tlsContext))
                    }
                    try sync.addHandler(POP3FramingHandler(configuration: framing))
                    return try NIOAsyncChannel<POP3InboundFrame, POP3OutboundInstruction>(
                        wrappingChannelSynchronously: channel)
                }
            }
    }

    private func serve(_ connection: NIOAsyncChannel<POP3InboundFrame, POP3OutboundInstruction>) async {
        let channel = connection.channel
        let key = ObjectIdentifier(channel)
        let (number, shuttingDown) = state.withLock { state in
            state.nextConnectionNumber += 1
            state.children[key] = channel
            return (state.nextConnectionNumber, state.shuttingDown)
        }
        defer { _ = state.withLock { $0.children.removeValue(forKey: key) } }
        if shuttingDown { channel.triggerUserOutboundEvent(POP3ShutdownEvent(), promise: nil) }

        let connectionID = "\(configuration.listenerName)-\(number)"
        let remoteAddress = channel.remoteAddress?.ipAddress ?? ""
        var logger = logger
        logger[metadataKey: "connection.id"] = "\(connectionID)"
        logger[metadataKey: "remote.address"] = "\(remoteAddress.isEmpty ? "unknown" : remoteAddress)"
        let tlsAvailable = configuration.tlsContext != nil
        let implicitTLS = configuration.implicitTLS && tlsAvailable
        let machine = POP3SessionStateMachine(configuration: .init(
            hostname: configuration.hostname, tlsAvailable: tlsAvailable && !implicitTLS,
            credentialsAllowedWithoutTLS: configuration.allowPlaintextAuth(remoteAddress, false),
            credentialsAllowedWithTLS: configuration.allowPlaintextAuth(remoteAddress, true),
            maxErrors: configuration.maxErrors, maxAuthFailures: configuration.maxAuthFailures),
            tlsActive: implicitTLS)
        var session = POP3Connection(channel: connection, store: store, authenticator: authenticator, locks: locks,
                                     machine: machine, connectionID: connectionID, logger: logger,
                                     metrics: metrics, chunkSize: configuration.retrieveChunkSize)
        await session.run()
    }
}
