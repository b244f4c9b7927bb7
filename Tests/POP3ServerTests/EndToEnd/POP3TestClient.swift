// A POP3 client over a real NIO socket (never blocking a cooperative thread), able to start TLS
// mid-stream (STLS) or from the first byte (pop3s), and to read multi-line responses of any size.

import NIOCore
import NIOPosix
import NIOSSL

/// Forwards everything the server sends into an AsyncStream the test reads from.
final class POP3ByteCollector: ChannelInboundHandler {
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
final class POP3TestClient {
    struct Closed: Error {}
    struct Malformed: Error {}

    let channel: any Channel
    private var iterator: AsyncStream<[UInt8]>.Iterator
    /// Received bytes; `start` is where unread data begins (no O(n) removeFirst per line).
    private var pending: [UInt8] = []
    private var start = 0

    private init(channel: any Channel, stream: AsyncStream<[UInt8]>) {
        self.channel = channel
        self.iterator = stream.makeAsyncIterator()
    }

    static func clientTLSContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        return try NIOSSLContext(configuration: configuration)
    }

    static func connect(port: Int, implicitTLS: Bool = false) async throws -> POP3TestClient {
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream()
        let tls = implicitTLS ? try clientTLSContext() : nil
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: nil))
                    }
                    try channel.pipeline.syncOperations.addHandler(POP3ByteCollector(continuation: continuation))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return POP3TestClient(channel: channel, stream: stream)
    }

    func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text)).get()
    }

    /// Sends one command and returns the status line.
    func command(_ text: String) async throws -> String {
        try await send(text + "\r\n")
        return try await line()
    }

    /// Sends one command and returns the status line and, if it is +OK, the un-stuffed body.
    func multiline(_ text: String) async throws -> (status: String, body: [UInt8]) {
        try await send(text + "\r\n")
        let status = try await line()
        guard status.hasPrefix("+OK") else { return (status, []) }
        return (status, try await body())
    }

    /// The lines of a multi-line body as strings.
    func lines(_ text: String) async throws -> (status: String, lines: [String]) {
        let (status, body) = try await multiline(text)
        var lines = String(decoding: body, as: UTF8.self).components(separatedBy: "\r\n")
        if lines.last == "" { lines.removeLast() }
        return (status, lines)
    }

    func line() async throws -> String {
        let bytes = try await rawLine()
        guard bytes.count >= 2, bytes[bytes.endIndex - 2] == 13 else { throw Malformed() }
        return String(decoding: bytes.dropLast(2), as: UTF8.self)
    }

    /// The body of a multi-line response up to "." CRLF, with byte-stuffing removed.
    func body() async throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let line = try await rawLine()
            if line.elementsEqual([UInt8(ascii: "."), 13, 10]) { return body }
            body.append(contentsOf: line.first == UInt8(ascii: ".") ? line.dropFirst() : line[...])
        }
    }

    /// One line including its CRLF (or LF).
    private func rawLine() async throws -> ArraySlice<UInt8> {
        var searchFrom = start
        while true {
            if let lf = pending[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = pending[start...lf]
                start = lf + 1
                if start > 1 << 20 {
                    let rest = Array(pending[start...])
                    pending = rest
                    start = 0
                    return line
                }
                return line
            }
            searchFrom = pending.count
            guard let more = await iterator.next() else { throw Closed() }
            pending.append(contentsOf: more)
        }
    }

    /// True when the server closed the connection with nothing more to read.
    func isClosedByServer() async -> Bool {
        guard start == pending.count else { return false }
        return await iterator.next() == nil
    }

    /// Switches this connection to TLS (after "+OK" to STLS).
    func startTLS() async throws {
        let context = try Self.clientTLSContext()
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
