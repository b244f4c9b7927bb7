// What the shared accept loop needs from the ManageSieve listener's configuration, the
// connection-limit refusal included.

import NIOCore
import ProtocolListener

extension ManageSieveServer.Configuration {
    /// Bind address, shutdown grace and connection limits for `ProtocolListener`. A refused client
    /// reads `BYE (TRYLATER) "…"` in place of the capability greeting (RFC 5804 §1.3, §1.7).
    var listenerConfiguration: ProtocolListener<ManageSieveInboundFrame, ManageSieveOutboundInstruction>.Configuration {
        .init(name: listenerName, host: host, port: port, shutdownGracePeriod: shutdownGracePeriod,
              connectionLimits: connectionLimits,
              busyGreeting: Array("BYE (TRYLATER) \"Too many connections, try again later\"\r\n".utf8))
    }
}
