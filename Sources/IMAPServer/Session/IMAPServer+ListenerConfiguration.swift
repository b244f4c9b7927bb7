// What the shared accept loop needs from an IMAP listener's configuration, the connection-limit
// refusal included.

import NIOCore
import ProtocolListener

extension IMAPServer.Configuration {
    /// Bind address, shutdown grace and connection limits for `ProtocolListener`. A refused client
    /// reads "* BYE [UNAVAILABLE]" as its greeting (RFC 9051 §7.1.5; RFC 5530 §3), over TLS on imaps.
    var listenerConfiguration: ConnectionListener<IMAPConnection>.Configuration {
        .lineServer(name: listenerName, host: host, port: port, shutdownGracePeriod: shutdownGracePeriod,
                    connectionLimits: connectionLimits,
                    busyLine: "* BYE [UNAVAILABLE] Too many connections, try again later",
                    implicitTLS: implicitTLS ? tlsContext : nil)
    }
}
