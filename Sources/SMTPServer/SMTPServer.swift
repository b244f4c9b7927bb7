// The SMTP/LMTP listener: binds, accepts, runs one session task per connection, shuts down
// gracefully. FacteurServer wraps it as a ServiceLifecycle Service.

import Logging
import Metrics
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

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
    private let receiver: any SMTPReceiver
    private let logger: Logger
    private let group: any EventLoopGroup
    private let metrics: SMTPMetrics
    private let state = Mutex(State())

    /// `metricsFactory`: nil uses the bootstrapped `MetricsSystem`; tests pass their own.
    public init(configuration: Configuration, receiver: any SMTPReceiver, logger: Logger,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                metricsFactory: (any MetricsFactory)? = nil) {
        self.configuration = configuration
        self.receiver = receiver
        self.logger = logger
        self.group = eventLoopGroup
        self.metrics = SMTPMetrics(listener: configuration.kind, factory: metricsFactory)
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
        let serverChannel: NIOAsyncChannel<NIOAsyncChannel<SMTPInboundFrame, SMTPOutboundInstruction>, Never>
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
        logger.debug("bound \(configuration.kind.rawValue) \(address?.ipAddress ?? configuration.host):\(address?.port ?? configuration.port)")
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
        logger.info("stopped \(configuration.kind.rawValue) listener")
    }

    /// Graceful shutdown: stop accepting, tell every session (421 between transactions), and
    /// close whatever is left after `shutdownGracePeriod`. Safe to call more than once, from anywhere.
    public func shutdown() {
        let (serverChannel, children, first) = state.withLock { state in
            defer { state.shuttingDown = true }
            return (state.serverChannel, Array(state.children.values), !state.shuttingDown)
        }
        guard first else { return }
        logger.info("shutting down \(configuration.kind.rawValue) listener")
        serverChannel?.close(promise: nil)
        for child in children { child.triggerUserOutboundEvent(SMTPShutdownEvent(), promise: nil) }
        group.next().scheduleTask(in: configuration.shutdownGracePeriod) {
            let remaining = self.state.withLock { Array($0.children.values) }
            for child in remaining { child.close(promise: nil) }
        }
    }

    private func bind() async throws -> NIOAsyncChannel<NIOAsyncChannel<SMTPInboundFrame, SMTPOutboundInstruction>, Never> {
        let configuration = configuration
        let framing = SMTPFramingHandler.Configuration(
            maxLineLength: configuration.maxCommandLineLength, maxMessageSize: configuration.maxMessageSize,
            commandTimeout: configuration.commandTimeout, dataTimeout: configuration.dataTimeout,
            tlsContext: configuration.tlsContext)
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
                    try sync.addHandler(SMTPFramingHandler(
                        configuration: framing, implicitTLS: configuration.implicitTLS && configuration.tlsContext != nil))
                    return try NIOAsyncChannel<SMTPInboundFrame, SMTPOutboundInstruction>(
                        wrappingChannelSynchronously: channel)
                }
            }
    }

    private func serve(_ connection: NIOAsyncChannel<SMTPInboundFrame, SMTPOutboundInstruction>) async {
        let channel = connection.channel
        let key = ObjectIdentifier(channel)
        let (number, shuttingDown) = state.withLock { state in
            state.nextConnectionNumber += 1
            state.children[key] = channel
            return (state.nextConnectionNumber, state.shuttingDown)
        }
        defer { _ = state.withLock { $0.children.removeValue(forKey: key) } }
        if shuttingDown { channel.triggerUserOutboundEvent(SMTPShutdownEvent(), promise: nil) }

        let connectionID = "\(configuration.kind.rawValue)-\(number)"
        let remote = channel.remoteAddress
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
