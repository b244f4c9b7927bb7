// The accept loop every line protocol (SMTP/LMTP, POP3, IMAP, ManageSieve) shares: bind, accept,
// one child task per connection, graceful shutdown. The protocol supplies the child pipeline,
// its shutdown event and the session; this type owns no protocol knowledge.

import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A listening TCP server for one line protocol. `Sendable` so a service runner can hold it and
/// call `shutdown()` from any task.
///
/// ```swift
/// let listener = ProtocolListener<Frame, Instruction>(
///     configuration: .init(name: "pop3", host: "127.0.0.1", port: 0), logger: logger,
///     childPipeline: { channel in
///         try channel.pipeline.syncOperations.addHandler(FramingHandler())
///         return try NIOAsyncChannel(wrappingChannelSynchronously: channel)
///     },
///     shutdownEvent: ShutdownEvent(),
///     serve: { connection, number in await Session(connection, id: "pop3-\(number)").run() })
/// try await withGracefulShutdownHandler { try await listener.run() } onGracefulShutdown: { listener.shutdown() }
/// ```
/// `shutdown()` is graceful: stop accepting, send `shutdownEvent` down every live child's pipeline
/// (the framing handler turns it into the protocol's goodbye), close what is left after
/// `shutdownGracePeriod`. Cancelling the task running `run()` also shuts down, but cancellation
/// reaches the session tasks too, so they end without waiting.
///
/// Implementation notes: the closures are stored, so they must not capture the object that owns
/// this listener (that would be a reference cycle); capture the values the session needs instead.
///
/// `Connection` is what `childPipeline` makes of an accepted channel and `serve` runs a session
/// on: for most protocols an `NIOAsyncChannel` (see `ProtocolListener<Inbound, Outbound>`); IMAP
/// uses its own, whose session runs only while there is work, so an idle connection holds no task
/// stack (issue 8, memory per idle connection).
public final class ConnectionListener<Connection: ListenerConnection>: Sendable {

    /// What the bind's child initializer made of one accepted socket.
    private enum Accepted: Sendable {
        /// Within the limits: counted, and the protocol pipeline is in place.
        case admitted(Connection)
        /// Over a limit: `BusyRejectionHandler` answers and closes it; no session.
        case refused(ConnectionCounter.Admission, remoteAddress: String)
    }

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
    private let logger: Logger
    private let group: any EventLoopGroup
    private let childPipeline: @Sendable (any Channel) throws -> Connection
    private let shutdownEvent: any Sendable
    private let serve: @Sendable (Connection, Int) async -> Void
    private let state = Mutex(State())

    /// - Parameters:
    ///   - childPipeline: runs on the child's event loop inside the bind's initializer; adds the
    ///     protocol's handlers (TLS, framing) and wraps the channel.
    ///   - shutdownEvent: sent with `triggerUserOutboundEvent` to every child on `shutdown()`, and to
    ///     a child accepted while shutting down.
    ///   - serve: runs one session; `connectionNumber` counts from 1 per listener, for connection ids.
    public init(configuration: Configuration, logger: Logger,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                childPipeline: @escaping @Sendable (any Channel) throws -> Connection,
                shutdownEvent: any Sendable,
                serve: @escaping @Sendable (_ connection: Connection, _ connectionNumber: Int) async -> Void) {
        self.configuration = configuration
        self.logger = logger
        self.group = eventLoopGroup
        self.childPipeline = childPipeline
        self.shutdownEvent = shutdownEvent
        self.serve = serve
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
        let serverChannel: NIOAsyncChannel<Accepted, Never>
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
        let name = configuration.name
        logger.debug("bound \(name) \(address?.ipAddress ?? configuration.host):\(address?.port ?? configuration.port)")
        if alreadyShuttingDown { serverChannel.channel.close(promise: nil) }

        try await withTaskCancellationHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await serverChannel.executeThenClose { connections in
                    for try await accepted in connections {
                        switch accepted {
                        case .admitted(let connection):
                            group.addTask { await self.track(connection) }
                        case .refused(let reason, let remoteAddress):
                            logger.notice("connection refused: \(reason == .tooManyFromAddress ? "too many from this address" : "too many connections")",
                                          metadata: ["remote.address": "\(remoteAddress)", "listener": "\(name)"])
                            configuration.connectionLimits.onRefused?(name, reason)
                        }
                    }
                }
            }
        } onCancel: {
            self.shutdown()
        }
        logger.info("stopped \(name) listener")
    }

    /// Graceful shutdown: stop accepting, send the shutdown event to every session, and close
    /// whatever is left after `shutdownGracePeriod`. Safe to call more than once, from anywhere.
    public func shutdown() {
        let (serverChannel, children, first) = state.withLock { state in
            defer { state.shuttingDown = true }
            return (state.serverChannel, Array(state.children.values), !state.shuttingDown)
        }
        guard first else { return }
        logger.info("shutting down \(configuration.name) listener")
        serverChannel?.close(promise: nil)
        for child in children { child.triggerUserOutboundEvent(shutdownEvent, promise: nil) }
        group.next().scheduleTask(in: configuration.shutdownGracePeriod) {
            let remaining = self.state.withLock { Array($0.children.values) }
            for child in remaining { child.close(promise: nil) }
        }
    }

    private func bind() async throws -> NIOAsyncChannel<Accepted, Never> {
        let childPipeline = childPipeline
        let configuration = configuration
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: Int32(clamping: configuration.backlog))
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture { try Self.admit(channel, configuration, childPipeline) }
            }
    }

    /// Counts the connection against `[limits]` before any protocol handler exists, so a refused
    /// client costs one small handler and never a session. The count is released when the channel
    /// closes, whichever way it closes (even if `childPipeline` throws).
    private static func admit(
        _ channel: any Channel, _ configuration: Configuration,
        _ childPipeline: @Sendable (any Channel) throws -> Connection
    ) throws -> Accepted {
        let address = channel.remoteAddress?.ipAddress ?? ""
        let limits = configuration.connectionLimits
        let admission = limits.admit(address: address)
        guard admission == .admitted else {
            try configuration.rejectionPipeline(channel)
            try channel.pipeline.syncOperations.addHandler(BusyRejectionHandler(greeting: configuration.busyGreeting))
            return .refused(admission, remoteAddress: address)
        }
        channel.closeFuture.whenComplete { _ in limits.counter.release(address: address) }
        return .admitted(try childPipeline(channel))
    }

    /// Registers the child for `shutdown()` while its session runs; a child accepted after
    /// shutdown began gets the shutdown event straight away.
    private func track(_ connection: Connection) async {
        let channel = connection.channel
        let key = ObjectIdentifier(channel)
        let (number, shuttingDown) = state.withLock { state in
            state.nextConnectionNumber += 1
            state.children[key] = channel
            return (state.nextConnectionNumber, state.shuttingDown)
        }
        defer { _ = state.withLock { $0.children.removeValue(forKey: key) } }
        if shuttingDown { channel.triggerUserOutboundEvent(shutdownEvent, promise: nil) }
        await serve(connection, number)
    }
}
