// The knobs of one POP3 listener (pop3 or pop3s); FacteurServer fills them from facteur.toml.

import Auth
import NIOCore
import NIOSSL
import ProtocolListener

extension POP3Server {
    /// One listener's settings. Defaults come from the RFCs where they give them.
    public struct Configuration: Sendable {
        /// Address to bind; port 0 picks a free port (read it back with `localAddress()`).
        public var host: String
        public var port: Int
        /// Named in the greeting and the QUIT response.
        public var hostname: String
        /// Enables STLS (RFC 2595 §4) when set.
        public var tlsContext: NIOSSLContext?
        /// TLS from the first byte (pop3s on 995, RFC 8314 §3.3); needs `tlsContext`.
        public var implicitTLS: Bool
        /// Whether USER/PASS/AUTH are accepted from `remoteAddress` with or without TLS
        /// (DESIGN.md rule 4). Refused logins get "-ERR [AUTH]" telling the client to use STLS.
        public var allowPlaintextAuth: @Sendable (_ remoteAddress: String, _ tls: Bool) -> Bool
        /// RFC 2449 §4: commands up to 255 octets MUST be accepted; twice that is tolerated.
        public var maxCommandLineLength: Int
        /// A SASL response line (RFC 5034 §4): PLAIN with three 255-octet fields is 1024 base64 chars.
        public var maxSASLLineLength: Int
        /// Client errors before "-ERR" and close.
        public var maxErrors: Int
        /// Failed logins before close.
        public var maxAuthFailures: Int
        /// RFC 1939 §3: the autologout timer "MUST be of at least 10 minutes' duration".
        public var idleTimeout: TimeAmount
        /// How long graceful shutdown lets a RETR in progress finish before closing.
        public var shutdownGracePeriod: TimeAmount
        /// RETR/TOP write size: bounded memory per connection whatever the message size.
        public var retrieveChunkSize: Int
        /// `[limits] max_connections` and `max_connections_per_address`; over either a client gets
        /// "-ERR [SYS/TEMP]" (RFC 3206 §4) instead of the greeting and is closed.
        public var connectionLimits = ConnectionLimits()
        /// `[limits] prelogin_timeout_seconds`: silence allowed before login; nil uses `idleTimeout`.
        public var preLoginTimeout: TimeAmount?

        public init(host: String = "127.0.0.1", port: Int = 110, hostname: String,
                    tlsContext: NIOSSLContext? = nil, implicitTLS: Bool = false,
                    allowPlaintextAuth: @escaping @Sendable (_ remoteAddress: String, _ tls: Bool) -> Bool
                        = Configuration.tlsOrLoopback,
                    maxCommandLineLength: Int = 512, maxSASLLineLength: Int = 2048, maxErrors: Int = 10,
                    maxAuthFailures: Int = 3, idleTimeout: TimeAmount = .minutes(10),
                    shutdownGracePeriod: TimeAmount = .seconds(30), retrieveChunkSize: Int = 65_536) {
            self.host = host
            self.port = port
            self.hostname = hostname
            self.tlsContext = tlsContext
            self.implicitTLS = implicitTLS
            self.allowPlaintextAuth = allowPlaintextAuth
            self.maxCommandLineLength = max(maxCommandLineLength, 255)
            self.maxSASLLineLength = max(maxSASLLineLength, 1024)
            self.maxErrors = max(maxErrors, 1)
            self.maxAuthFailures = max(maxAuthFailures, 1)
            self.idleTimeout = idleTimeout
            self.shutdownGracePeriod = shutdownGracePeriod
            self.retrieveChunkSize = max(retrieveChunkSize, 1024)
        }

        /// "pop3" or "pop3s": the `listener` metrics dimension and the connection id prefix.
        public var listenerName: String { implicitTLS && tlsContext != nil ? "pop3s" : "pop3" }

        /// The default policy: credentials over TLS, or in the clear only from this machine.
        @Sendable public static func tlsOrLoopback(_ remoteAddress: String, _ tls: Bool) -> Bool {
            tls || LoginThrottle.isLoopback(remoteAddress)
        }
    }
}
