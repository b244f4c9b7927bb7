// What the shared accept loop needs from an IMAP listener's configuration, the connection-limit
// refusal included.

import NIOCore
import NIOSSL
import ProtocolListener

extension IMAPServer.Configuration {
    /// Bind address, shutdown grace and connection limits for `ProtocolListener`. A refused client
    /// reads "* BYE [UNAVAILABLE]" as its greeting (RFC 9051 §7.1.5; RFC 5530 §3), over TLS on imaps.
    var listenerConfiguration: ProtocolListener<IMAPInboundFrame, IMAPOutboundInstruction>.Configuration {
        let implicitTLS = self.implicitTLS ? tlsContext : nil
        return .init(
            name: listenerName, host: host, port: port, shutdownGracePeriod: shutdownGracePeriod,
            connectionLimits: connectionLimits,
            busyGreeting: Array("* BYE [UNAVAILABLE] Too many connections, try again later\r\n".utf8),
            rejectionPipeline: { channel in
                if let implicitTLS {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: implicitTLS))
                }
            })
    }
}
