// Drives a real ProtocolListener on 127.0.0.1:0 with an echo "protocol" whose framing handler
// answers the shutdown event with "BYE", the way SMTP's 421 and POP3's -ERR do.

import Foundation
import Logging
import NIOCore
import NIOPosix
import ProtocolListener
import Testing

/// The shutdown event the echo protocol's pipeline reacts to.
private struct EchoShutdownEvent: Sendable {}

/// Turns the shutdown event into a goodbye line and swallows it, like a real framing handler.
private final class EchoShutdownHandler: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is EchoShutdownEvent else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        context.writeAndFlush(NIOAny(ByteBuffer(string: "BYE\r\n")), promise: promise)
    }
}

private typealias EchoListener = ProtocolListener<ByteBuffer, ByteBuffer>

/// Echoes every read back, prefixed with the connection number, until the peer or the listener closes.
private func makeEchoListener(port: Int = 0, gracePeriod: TimeAmount = .seconds(30)) -> EchoListener {
    EchoListener(
        configuration: .init(name: "echo", host: "127.0.0.1", port: port, shutdownGracePeriod: gracePeriod),
        logger: Logger(label: "ProtocolListenerTests"),
        childPipeline: { channel in
            try channel.pipeline.syncOperations.addHandler(EchoShutdownHandler())
            return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
        },
        shutdownEvent: EchoShutdownEvent(),
        serve: { connection, number in
            try? await connection.executeThenClose { inbound, outbound in
                for try await buffer in inbound {
                    try await outbound.write(ByteBuffer(string: "\(number):" + String(buffer: buffer)))
                }
            }
        })
}

/// A plain TCP client that reads until the server closes.
private struct EchoClient {
    let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>

    static func connect(to address: SocketAddress) async throws -> EchoClient {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: address.port ?? 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return EchoClient(channel: channel)
    }

    /// Sends `text` and returns the first chunk the server answers.
    func exchange(_ text: String) async throws -> String {
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: text))
            var iterator = inbound.makeAsyncIterator()
            return try await iterator.next().map { String(buffer: $0) } ?? ""
        }
    }
}

@Suite(.timeLimit(.minutes(1)))
struct ProtocolListenerTests {
    @Test func bindsPortZeroAndReportsTheRealPortToEarlyWaiters() async throws {
        let listener = makeEchoListener()
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Asked before run() binds: the waiter must be resumed once the bind completes.
            group.addTask {
                let address = try await listener.localAddress()
                #expect(address.port != 0)
                #expect(address.ipAddress == "127.0.0.1")
            }
            group.addTask { try await listener.run() }
            try await group.next()
            let address = try await listener.localAddress()
            let first = try await EchoClient.connect(to: address).exchange("hello")
            let second = try await EchoClient.connect(to: address).exchange("again")
            #expect(first == "1:hello")
            #expect(second == "2:again")
            listener.shutdown()
            try await group.waitForAll()
        }
    }

    @Test func gracefulShutdownSendsTheEventThenClosesAfterTheGracePeriod() async throws {
        let grace = TimeAmount.milliseconds(400)
        let listener = makeEchoListener(gracePeriod: grace)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await listener.run() }
            let address = try await listener.localAddress()
            let client = try await EchoClient.connect(to: address)
            let (received, closedAfter) = try await client.channel.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(string: "ping"))
                var iterator = inbound.makeAsyncIterator()
                #expect(try await iterator.next().map { String(buffer: $0) } == "1:ping")
                // The session is live and idle: shutdown must reach it through its pipeline.
                let start = ContinuousClock.now
                listener.shutdown()
                var received = ""
                while let buffer = try await iterator.next() { received += String(buffer: buffer) }
                return (received, ContinuousClock.now - start)
            }
            #expect(received == "BYE\r\n")
            // The echo session ignores the goodbye, so only the grace-period timer closes it.
            #expect(closedAfter >= .milliseconds(350))
            // run() returning is the proof that the listener stopped accepting. (Connecting to the old
            // port proves nothing: tests run in parallel and another listener may have taken it.)
            try await group.waitForAll()
        }
    }

    @Test func bindFailureIsReportedToAddressWaitersAndRun() async throws {
        let holder = makeEchoListener()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await holder.run() }
            let taken = try await holder.localAddress()
            let clash = makeEchoListener(port: taken.port ?? 0)
            // Usually waiting before run() fails; either way it must get the error, not hang.
            group.addTask {
                await #expect(throws: (any Error).self) { _ = try await clash.localAddress() }
            }
            await #expect(throws: (any Error).self) { try await clash.run() }
            // A waiter that arrives after the failure gets the same error straight away.
            await #expect(throws: (any Error).self) { _ = try await clash.localAddress() }
            holder.shutdown()
            try await group.waitForAll()
        }
    }

    /// Regression: a client connected to a port another parallel test had reused, and the
    /// unclosed NIOAsyncChannel trapped on deinit. The test now checks only what is ours to check.
    @Test func shutdownBeforeRunMakesRunReturnWithoutServing() async throws {
        let listener = makeEchoListener()
        listener.shutdown()
        try await listener.run()   // returns at once (the suite's time limit catches a hang)
        let address = try await listener.localAddress()
        #expect((address.port ?? 0) > 0)
    }
}
