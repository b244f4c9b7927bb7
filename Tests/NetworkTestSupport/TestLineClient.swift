// A client for line protocols (POP3, IMAP, ManageSieve) over a real NIO socket, never blocking a
// cooperative thread; it can start TLS mid-stream (STLS/STARTTLS) or from the first byte (pop3s,
// imaps), and read lines or exact octet counts (IMAP literals) of any size.

import NIOCore
import NIOPosix
import NIOSSL

/// Forwards everything the server sends into an AsyncStream the test reads from.
final class TestByteCollector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let continuation: AsyncStream<[UInt8]>.Continuation

    init(continuation: AsyncStream<[UInt8]>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(Array(unwrapInboundIn(data).readableBytesView))
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        continuation.finish()
        context.close(promise: nil)
    }
}

/// Not Sendable: used by one test task only.
public final class TestLineClient {
    public struct Closed: Error { public init() {} }
    public struct Malformed: Error { public init() {} }

    public let channel: any Channel
    private var iterator: AsyncStream<[UInt8]>.Iterator
    /// Received bytes; `start` is where unread data begins (no O(n) removeFirst per line).
    private var pending: [UInt8] = []
    private var start = 0

    private init(channel: any Channel, stream: AsyncStream<[UInt8]>) {
        self.channel = channel
        self.iterator = stream.makeAsyncIterator()
    }

    public static func clientTLSContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        return try NIOSSLContext(configuration: configuration)
    }

    public static func connect(port: Int, implicitTLS: Bool = false) async throws -> TestLineClient {
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream()
        let tls = implicitTLS ? try clientTLSContext() : nil
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: nil))
                    }
                    try channel.pipeline.syncOperations.addHandler(TestByteCollector(continuation: continuation))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return TestLineClient(channel: channel, stream: stream)
    }

    public func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text)).get()
    }

    public func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    /// One line without its CRLF; throws `Malformed` for a line not ended by CRLF.
    public func line() async throws -> String {
        let bytes = try await rawLine()
        guard bytes.count >= 2, bytes[bytes.endIndex - 2] == 13 else { throw Malformed() }
        return String(decoding: bytes.dropLast(2), as: UTF8.self)
    }

    /// One line including its CRLF (or LF).
    public func rawLine() async throws -> ArraySlice<UInt8> {
        var searchFrom = start
        while true {
            if let lf = pending[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = pending[start...lf]
                start = lf + 1
                compactIfLarge()
                return line
            }
            searchFrom = pending.count
            guard let more = await iterator.next() else { throw Closed() }
            pending.append(contentsOf: more)
        }
    }

    /// Exactly `count` octets (an IMAP literal's content).
    public func bytes(_ count: Int) async throws -> [UInt8] {
        while pending.count - start < count {
            guard let more = await iterator.next() else { throw Closed() }
            pending.append(contentsOf: more)
        }
        let result = Array(pending[start..<(start + count)])
        start += count
        compactIfLarge()
        return result
    }

    private func compactIfLarge() {
        if start > 1 << 20 {
            pending = Array(pending[start...])
            start = 0
        }
    }

    /// True when the server closed the connection with nothing more to read.
    public func isClosedByServer() async -> Bool {
        guard start == pending.count else { return false }
        return await iterator.next() == nil
    }

    /// Switches this connection to TLS (after the server agreed to STLS/STARTTLS).
    public func startTLS() async throws {
        let context = try Self.clientTLSContext()
        let channel = channel
        try await channel.eventLoop.submit {
            let handler = try NIOSSLClientHandler(context: context, serverHostname: nil)
            try channel.pipeline.syncOperations.addHandler(handler, position: .first)
        }.get()
    }

    public func close() async {
        try? await channel.close()
    }
}
