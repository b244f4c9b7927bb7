// The knobs of one IMAP listener (imap with STARTTLS, or imaps); FacteurServer fills them from
// facteur.toml.

import Auth
import NIOCore
import NIOSSL
import ProtocolListener

extension IMAPServer {
    /// One listener's settings. Defaults come from the RFCs where they give them.
    public struct Configuration: Sendable {
        /// Address to bind; port 0 picks a free port (read it back with `localAddress()`).
        public var host: String
        public var port: Int
        /// Named in the greeting.
        public var hostname: String
        /// Enables STARTTLS (RFC 9051 §6.2.1) when set.
        public var tlsContext: NIOSSLContext?
        /// TLS from the first byte (imaps on 993, RFC 8314 §3.3); needs `tlsContext`.
        public var implicitTLS: Bool
        /// Whether LOGIN/AUTHENTICATE are accepted from `remoteAddress` with or without TLS
        /// (DESIGN.md rule 4). Without it the server announces LOGINDISABLED (RFC 9051 §6.2.3).
        public var allowPlaintextAuth: @Sendable (_ remoteAddress: String, _ tls: Bool) -> Bool
        /// Framer bounds: line, literal and command sizes (RFC 9051 §4.3, RFC 7888).
        public var framer: IMAPCommandFramer.Configuration
        /// Parser bounds: sequence-set size, nesting, section depth.
        public var grammarLimits: IMAPGrammarLimits
        /// Before login: a client that says nothing for this long is disconnected.
        public var preLoginTimeout: TimeAmount
        /// RFC 9051 §5.4: the autologout timer "MUST be of at least 30 minutes' duration".
        public var autologout: TimeAmount
        /// Failed logins before the connection is closed.
        public var maxAuthFailures: Int
        /// Protocol errors (BAD) in a row before the connection is closed.
        public var maxErrors: Int
        /// Mailboxes an account may have (CREATE answers NO [LIMIT] beyond).
        public var maxMailboxesPerAccount: Int
        /// `[limits] max_mailbox_name_length`: octets of a name given to CREATE/RENAME (NO [LIMIT]
        /// beyond); the store's own ceiling (1024) still applies.
        public var maxMailboxNameLength = 1_024
        /// `[limits] max_mailbox_depth`: hierarchy levels of a name given to CREATE/RENAME.
        public var maxMailboxDepth = 32
        /// `[limits] max_connections` and `max_connections_per_address`; over either a client gets
        /// "* BYE [UNAVAILABLE]" (RFC 9051 §7.1.5, RFC 5530 §3) instead of the greeting.
        public var connectionLimits = ConnectionLimits()
        /// How long graceful shutdown lets a command in progress finish before closing.
        public var shutdownGracePeriod: TimeAmount
        /// BODY[] streaming read size: bounded memory per connection whatever the message size.
        /// 256 KiB, like the FETCH write pieces and the in-place file read limit: a 5 MB message is
        /// 20 store trips, not 80 (issue 8, imap-mix FETCH body p99).
        public var fetchChunkSize: Int
        /// NOTIFY notifications one wake-up may queue; beyond, NOTIFY is switched off with
        /// NOTIFICATIONOVERFLOW (RFC 5465 §5.8) rather than flood a client that may not read.
        public var maxPendingNotifications = 1_000

        public init(host: String = "127.0.0.1", port: Int = 143, hostname: String,
                    tlsContext: NIOSSLContext? = nil, implicitTLS: Bool = false,
                    allowPlaintextAuth: @escaping @Sendable (_ remoteAddress: String, _ tls: Bool) -> Bool
                        = Configuration.tlsOrLoopback,
                    framer: IMAPCommandFramer.Configuration = IMAPCommandFramer.Configuration(),
                    grammarLimits: IMAPGrammarLimits = IMAPGrammarLimits(),
                    preLoginTimeout: TimeAmount = .seconds(60), autologout: TimeAmount = .minutes(30),
                    maxAuthFailures: Int = 3, maxErrors: Int = 20, maxMailboxesPerAccount: Int = 1_000,
                    shutdownGracePeriod: TimeAmount = .seconds(10), fetchChunkSize: Int = 256 * 1024) {
            self.host = host
            self.port = port
            self.hostname = hostname
            self.tlsContext = tlsContext
            self.implicitTLS = implicitTLS
            self.allowPlaintextAuth = allowPlaintextAuth
            self.framer = framer
            self.grammarLimits = grammarLimits
            self.preLoginTimeout = preLoginTimeout
            self.autologout = max(autologout, .minutes(30))
            self.maxAuthFailures = max(maxAuthFailures, 1)
            self.maxErrors = max(maxErrors, 1)
            self.maxMailboxesPerAccount = max(maxMailboxesPerAccount, 10)
            self.shutdownGracePeriod = shutdownGracePeriod
            self.fetchChunkSize = max(fetchChunkSize, 4096)
        }

        /// "imap" or "imaps": the `listener` metrics dimension and the connection id prefix.
        public var listenerName: String { implicitTLS && tlsContext != nil ? "imaps" : "imap" }

        /// The default policy: credentials over TLS, or in the clear only from this machine.
        @Sendable public static func tlsOrLoopback(_ remoteAddress: String, _ tls: Bool) -> Bool {
            tls || LoginThrottle.isLoopback(remoteAddress)
        }
    }
}
