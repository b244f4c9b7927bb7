// The listener configuration the four line servers (SMTP/LMTP, POP3, IMAP, ManageSieve) share:
// they differ only in their "too busy" line and in whether the port speaks TLS from the start.

import NIOCore
import NIOSSL

extension ConnectionListener.Configuration {
    /// A line server's listener: a connection over the limits reads `busyLine` (CRLF added) as its
    /// greeting, over TLS on an implicit-TLS port (RFC 8314 §3.3) so the client can read it.
    /// One place so a new protocol cannot forget the TLS wrapper of its refusal.
    ///
    /// ```swift
    /// .lineServer(name: "pop3s", host: host, port: 995, shutdownGracePeriod: .seconds(30),
    ///             connectionLimits: limits, busyLine: "-ERR [SYS/TEMP] Too many connections",
    ///             implicitTLS: implicitTLS ? tlsContext : nil)
    /// ```
    public static func lineServer(
        name: String, host: String, port: Int, shutdownGracePeriod: TimeAmount,
        connectionLimits: ConnectionLimits, busyLine: String, implicitTLS: NIOSSLContext?
    ) -> Self {
        .init(name: name, host: host, port: port, shutdownGracePeriod: shutdownGracePeriod,
              connectionLimits: connectionLimits, busyGreeting: Array("\(busyLine)\r\n".utf8),
              rejectionPipeline: { channel in try ImplicitTLS.addServerHandler(implicitTLS, to: channel) })
    }
}
