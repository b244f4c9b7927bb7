// What the store fixture needs from a protocol server to run it around a test body.

import NIOCore

/// A listener a test can start, find on its port, and stop: the shape POP3Server, IMAPServer and
/// ManageSieveServer share. Each test target declares the conformance of its server.
public protocol RunnableTestServer: Sendable {
    func run() async throws
    func localAddress() async throws -> SocketAddress
    func shutdown()
}
