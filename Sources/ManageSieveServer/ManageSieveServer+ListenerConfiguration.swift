// What the shared accept loop needs from the ManageSieve listener's configuration, the
// connection-limit refusal included.

import NIOCore
import ProtocolListener

extension ManageSieveServer.Configuration {
    /// Bind address, shutdown grace and connection limits for `ProtocolListener`. A refused client
    /// reads `BYE (TRYLATER) "…"` in place of the capability greeting (RFC 5804 §1.3, §1.7).
    var listenerConfiguration: ProtocolListener<ManageSieveInboundFrame, ManageSieveOutboundInstruction>.Configuration {
        // No implicit-TLS port exists for ManageSieve (RFC 5804 §2.2: STARTTLS only).
        .lineServer(name: listenerName, host: host, port: port, shutdownGracePeriod: shutdownGracePeriod,
                    connectionLimits: connectionLimits,
                    busyLine: "BYE (TRYLATER) \"Too many connections, try again later\"", implicitTLS: nil)
    }
}
