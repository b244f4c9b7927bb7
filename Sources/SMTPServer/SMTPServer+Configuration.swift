// The knobs of one SMTP/LMTP listener; FacteurServer fills them from facteur.toml.

import NIOCore
import NIOSSL
import ProtocolListener

extension SMTPServer {
    /// One listener's settings. Defaults come from RFC 5321 where it gives them.
    public struct Configuration: Sendable {
        /// smtp (port 25), lmtp (RFC 2033), submission (later issue).
        public var kind: SMTPSessionInfo.Kind
        /// Address to bind; port 0 picks a free port (read it back with `localAddress()`).
        public var host: String
        public var port: Int
        /// The server's own name, for the greeting "220 <hostname> ESMTP Facteur" and Received.
        public var hostname: String
        /// Announced as `SIZE n` and enforced during DATA/BDAT (RFC 1870).
        public var maxMessageSize: Int
        /// RFC 5321 §4.5.3.1.8: at least 100 recipients must be buffered.
        public var maxRecipients: Int
        /// RFC 5321 §4.5.3.1.4 says 512 octets including CRLF; extensions need more, so 2048.
        public var maxCommandLineLength: Int
        /// Client errors before "421 4.7.0" and close.
        public var maxErrors: Int
        /// Waiting for a command: RFC 5321 §4.5.3.2.7 server timeout, 5 minutes.
        public var commandTimeout: TimeAmount
        /// Waiting for more DATA/BDAT octets: RFC 5321 §4.5.3.2.5 data block, 3 minutes.
        public var dataTimeout: TimeAmount
        /// How long graceful shutdown waits for transactions in DATA before closing them.
        public var shutdownGracePeriod: TimeAmount
        /// Enables STARTTLS (RFC 3207) when set.
        public var tlsContext: NIOSSLContext?
        /// TLS from the first byte (submissions on 465, RFC 8314); needs `tlsContext`.
        public var implicitTLS: Bool
        /// `[limits] max_connections` and `max_connections_per_address`; over either a client gets
        /// "421 4.7.0" instead of the greeting (RFC 5321 §3.1, §4.2.2) and is closed.
        public var connectionLimits = ConnectionLimits()

        public init(kind: SMTPSessionInfo.Kind = .smtp, host: String = "127.0.0.1", port: Int = 25,
                    hostname: String, maxMessageSize: Int = 52_428_800, maxRecipients: Int = 100,
                    maxCommandLineLength: Int = 2048, maxErrors: Int = 10,
                    commandTimeout: TimeAmount = .minutes(5), dataTimeout: TimeAmount = .minutes(3),
                    shutdownGracePeriod: TimeAmount = .seconds(30), tlsContext: NIOSSLContext? = nil,
                    implicitTLS: Bool = false) {
            self.kind = kind
            self.host = host
            self.port = port
            self.hostname = hostname
            self.maxMessageSize = maxMessageSize
            self.maxRecipients = max(maxRecipients, 1)
            self.maxCommandLineLength = max(maxCommandLineLength, 512)
            self.maxErrors = max(maxErrors, 1)
            self.commandTimeout = commandTimeout
            self.dataTimeout = dataTimeout
            self.shutdownGracePeriod = shutdownGracePeriod
            self.tlsContext = tlsContext
            self.implicitTLS = implicitTLS
        }
    }
}
