// A minimal line-oriented client over a real socket, able to switch to TLS mid-stream (STARTTLS).

import NIOCore
import NIOPosix
import NIOSSL

/// Collects everything the server sends into an AsyncStream the test reads from.
final class ByteCollector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let continuation: AsyncStream<[UInt8]>.Continuation

    init(continuation: AsyncStream<[UInt8]>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        continuation.yield(Array(buffer.readableBytesView))
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
final class SMTPTestClient {
    struct Closed: Error {}

    let channel: any Channel
    private var iterator: AsyncStream<[UInt8]>.Iterator
    private var pending: [UInt8] = []

    private init(channel: any Channel, stream: AsyncStream<[UInt8]>) {
        self.channel = channel
        self.iterator = stream.makeAsyncIterator()
    }

    static func connect(port: Int) async throws -> SMTPTestClient {
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteCollector(continuation: continuation))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return SMTPTestClient(channel: channel, stream: stream)
    }

    func send(_ text: String) async throws {
        try await sendBytes(Array(text.utf8))
    }

    func sendBytes(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    /// Reads one reply (all its lines) and returns the lines without CRLF.
    func readReply() async throws -> [String] {
        var lines: [String] = []
        while true {
            let line = try await readLine()
            lines.append(line)
            let bytes = Array(line.utf8)
            if bytes.count < 4 || bytes[3] != UInt8(ascii: "-") { return lines }
        }
    }

    /// The last line of the next reply (enough for single-line replies).
    func reply() async throws -> String {
        try await readReply().last ?? ""
    }

    func readLine() async throws -> String {
        while true {
            if let lf = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(pending[..<lf])
                pending.removeFirst(lf + 1)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard let more = await iterator.next() else { throw Closed() }
            pending.append(contentsOf: more)
        }
    }

    /// True when the server closed the connection with nothing more to read.
    func isClosedByServer() async -> Bool {
        guard pending.isEmpty else { return false }
        return await iterator.next() == nil
    }

    /// Switches this connection to TLS (after the server's 220 to STARTTLS).
    func startTLS() async throws {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        let context = try NIOSSLContext(configuration: configuration)
        let channel = channel
        try await channel.eventLoop.submit {
            let handler = try NIOSSLClientHandler(context: context, serverHostname: nil)
            try channel.pipeline.syncOperations.addHandler(handler, position: .first)
        }.get()
    }

    func close() async {
        try? await channel.close()
    }
}
