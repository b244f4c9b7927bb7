// The knobs every line-protocol listener shares; each server fills them from its own Configuration.

import NIOCore

extension ConnectionListener {
    /// Where to bind and how to shut down. The protocol's own settings stay in its server's
    /// Configuration; only what the accept loop needs lives here.
    public struct Configuration: Sendable {
        /// Names the listener in log lines ("smtp", "lmtp", "pop3s", …).
        public var name: String
        /// Address to bind; port 0 picks a free port (read it back with `localAddress()`).
        public var host: String
        public var port: Int
        /// Pending connections the kernel queues before `accept`.
        public var backlog: Int
        /// How long graceful shutdown waits for sessions to finish after the shutdown event.
        public var shutdownGracePeriod: TimeAmount
        /// Connections in total and per address (`[limits]`); a connection over either gets
        /// `busyGreeting` and is closed without a session.
        public var connectionLimits: ConnectionLimits
        /// The protocol's "too busy" line, CRLF included (SMTP `421 4.7.0`, IMAP `* BYE`, …).
        public var busyGreeting: [UInt8]
        /// Handlers a refused connection needs before the greeting can be written: TLS on an
        /// implicit-TLS port, so the refusal is readable; nothing on a plain port.
        public var rejectionPipeline: @Sendable (any Channel) throws -> Void

        public init(name: String, host: String, port: Int, backlog: Int = 256,
                    shutdownGracePeriod: TimeAmount = .seconds(30),
                    connectionLimits: ConnectionLimits = ConnectionLimits(),
                    busyGreeting: [UInt8] = Array("Too many connections\r\n".utf8),
                    rejectionPipeline: @escaping @Sendable (any Channel) throws -> Void = { _ in }) {
            self.name = name
            self.host = host
            self.port = port
            self.backlog = max(backlog, 1)
            self.shutdownGracePeriod = shutdownGracePeriod
            self.connectionLimits = connectionLimits
            self.busyGreeting = busyGreeting
            self.rejectionPipeline = rejectionPipeline
        }
    }
}
