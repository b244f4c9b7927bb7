// Connection limits in the accept loop: the counter on its own, then a real listener on
// 127.0.0.1:0 reached from several loopback source addresses (127.0.0.x are all this machine).

import Logging
import Synchronization
import NIOCore
import NIOPosix
import ProtocolListener
import Testing

@Suite struct ConnectionCounterTests {
    @Test func countsTotalAndPerAddressAndForgetsReleased() {
        let counter = ConnectionCounter()
        #expect(counter.admit(address: "192.0.2.1", maxConnections: 3, maxConnectionsPerAddress: 2) == .admitted)
        #expect(counter.admit(address: "192.0.2.1", maxConnections: 3, maxConnectionsPerAddress: 2) == .admitted)
        #expect(counter.admit(address: "192.0.2.1", maxConnections: 3, maxConnectionsPerAddress: 2) == .tooManyFromAddress)
        #expect(counter.admit(address: "192.0.2.2", maxConnections: 3, maxConnectionsPerAddress: 2) == .admitted)
        #expect(counter.admit(address: "192.0.2.3", maxConnections: 3, maxConnectionsPerAddress: 2) == .tooManyConnections)
        #expect(counter.total == 3)
        counter.release(address: "192.0.2.1")
        #expect(counter.count(from: "192.0.2.1") == 1)
        #expect(counter.admit(address: "192.0.2.3", maxConnections: 3, maxConnectionsPerAddress: 2) == .admitted)
        // A release for an address with nothing live changes nothing (no negative counts).
        counter.release(address: "198.51.100.9")
        #expect(counter.total == 3)
        for address in ["192.0.2.1", "192.0.2.2", "192.0.2.3"] { counter.release(address: address) }
        #expect(counter.total == 0)
        #expect(counter.count(from: "192.0.2.1") == 0)
    }

    @Test(arguments: [(0, 0, 1, 1), (5, -3, 5, 1), (10_000, 100, 10_000, 100)])
    func limitsAreAtLeastOne(total: Int, perAddress: Int, expectedTotal: Int, expectedPerAddress: Int) {
        let limits = ConnectionLimits(maxConnections: total, maxConnectionsPerAddress: perAddress)
        #expect(limits.maxConnections == expectedTotal)
        #expect(limits.maxConnectionsPerAddress == expectedPerAddress)
    }
}

/// Collects what the server sends; the test polls it.
private final class Collector: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let received = Mutex("")

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let text = String(buffer: unwrapInboundIn(data))
        received.withLock { $0 += text }
    }
}

private struct RawClient {
    let channel: any Channel
    let collector: Collector

    static func connect(from source: String, to port: Int) async throws -> RawClient {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(to: try SocketAddress(ipAddress: source, port: 0))
            .channelInitializer { $0.pipeline.addHandler(collector) }
            .connect(host: "127.0.0.1", port: port).get()
        return RawClient(channel: channel, collector: collector)
    }

    /// Waits until the received text contains `text` (or a few seconds pass).
    func waitFor(_ text: String) async throws -> String {
        for _ in 0..<200 {
            let seen = collector.received.withLock { $0 }
            if seen.contains(text) { return seen }
            try await Task.sleep(for: .milliseconds(20))
        }
        return collector.received.withLock { $0 }
    }
}

@Suite(.timeLimit(.minutes(1)))
struct ConnectionLimitsListenerTests {
    static let busy = "BUSY try later\r\n"

    /// An echo protocol: each line comes back prefixed "echo:".
    private static func makeListener(limits: ConnectionLimits) -> ProtocolListener<ByteBuffer, ByteBuffer> {
        ProtocolListener<ByteBuffer, ByteBuffer>(
            configuration: .init(name: "echo", host: "127.0.0.1", port: 0, shutdownGracePeriod: .seconds(1),
                                 connectionLimits: limits, busyGreeting: Array(busy.utf8)),
            logger: Logger(label: "ConnectionLimitsTests"),
            childPipeline: { channel in try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) },
            shutdownEvent: 0,
            serve: { connection, _ in
                try? await connection.executeThenClose { inbound, outbound in
                    for try await buffer in inbound {
                        try await outbound.write(ByteBuffer(string: "echo:" + String(buffer: buffer)))
                    }
                }
            })
    }

    private func expectServed(_ client: RawClient) async throws {
        try await client.channel.writeAndFlush(ByteBuffer(string: "hi\r\n"))
        #expect(try await client.waitFor("echo:hi") == "echo:hi\r\n")
    }

    private func expectRefused(_ client: RawClient) async throws {
        try await client.channel.closeFuture.get()   // the server closes it
        #expect(client.collector.received.withLock { $0 } == Self.busy)
    }

    @Test func overEitherLimitGetsTheBusyLineAndAClosedConnection() async throws {
        let counter = ConnectionCounter()
        let refusals = Mutex<[String]>([])
        let listener = Self.makeListener(
            limits: ConnectionLimits(maxConnections: 2, maxConnectionsPerAddress: 1, counter: counter,
                                     onRefused: { name, reason in refusals.withLock { $0.append("\(name) \(reason)") } }))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await listener.run() }
            let port = try await listener.localAddress().port ?? 0

            let first = try await RawClient.connect(from: "127.0.0.1", to: port)
            try await expectServed(first)
            // Same address again: over max_connections_per_address.
            try await expectRefused(try await RawClient.connect(from: "127.0.0.1", to: port))
            let second = try await RawClient.connect(from: "127.0.0.2", to: port)
            try await expectServed(second)
            // A third address: over max_connections.
            try await expectRefused(try await RawClient.connect(from: "127.0.0.3", to: port))
            #expect(counter.total == 2)
            // Each refusal is reported once, with the listener and the limit it hit (for /metrics).
            for _ in 0..<200 where refusals.withLock({ $0.count }) < 2 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(refusals.withLock { $0 } == ["echo tooManyFromAddress", "echo tooManyConnections"])

            // Closing one frees its places, in total and for its address.
            try await first.channel.close()
            for _ in 0..<200 where counter.total != 1 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(counter.total == 1)
            let again = try await RawClient.connect(from: "127.0.0.1", to: port)
            try await expectServed(again)

            try await again.channel.close()
            try await second.channel.close()
            listener.shutdown()
            try await group.waitForAll()
        }
        #expect(counter.total == 0)
    }

    @Test func listenersSharingACounterShareTheLimit() async throws {
        let shared = ConnectionLimits(maxConnections: 10, maxConnectionsPerAddress: 1)
        let one = Self.makeListener(limits: shared)
        let two = Self.makeListener(limits: shared)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await one.run() }
            group.addTask { try await two.run() }
            let portOne = try await one.localAddress().port ?? 0
            let portTwo = try await two.localAddress().port ?? 0
            let client = try await RawClient.connect(from: "127.0.0.4", to: portOne)
            try await expectServed(client)
            try await expectRefused(try await RawClient.connect(from: "127.0.0.4", to: portTwo))
            try await client.channel.close()
            one.shutdown()
            two.shutdown()
            try await group.waitForAll()
        }
    }
}
