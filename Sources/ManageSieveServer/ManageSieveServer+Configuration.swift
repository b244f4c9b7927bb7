// The knobs of the ManageSieve listener; FacteurServer fills them from facteur.toml.

import Auth
import MailStore
import NIOCore
import NIOSSL
import ProtocolListener
import Sieve

extension ManageSieveServer {
    /// One listener's settings. Defaults come from the RFC where it gives them.
    public struct Configuration: Sendable {
        /// Address to bind; port 0 picks a free port (read it back with `localAddress()`).
        public var host: String
        /// RFC 5804 §1.8: "typically listens on port 4190".
        public var port: Int
        /// Named in the greeting.
        public var hostname: String
        /// Enables STARTTLS (RFC 5804 §2.2) when set.
        public var tlsContext: NIOSSLContext?
        /// Whether credentials (every SASL mechanism, SCRAM-SHA-256 included, as in IMAP and POP3)
        /// are accepted from `remoteAddress` with or without TLS (DESIGN.md rule 4); refused ones
        /// get "NO (ENCRYPT-NEEDED)".
        public var allowPlaintextAuth: @Sendable (_ remoteAddress: String, _ tls: Bool) -> Bool
        /// What PUTSCRIPT and CHECKSCRIPT compile with: the same as delivery, so a script that
        /// uploads also runs. Its extensions are the SIEVE capability, its redirect limit MAXREDIRECTS.
        public var compilerOptions: SieveCompiler.Options
        /// Largest script accepted (HAVESPACE, PUTSCRIPT): the store's limit.
        public var maxScriptSize: Int
        /// Scripts per account (QUOTA/MAXSCRIPTS): the store's limit.
        public var maxScripts: Int
        /// Largest literal before authentication: a SASL PLAIN response is at most 1024 base64
        /// octets, so a script-sized literal from an anonymous client is refused unread.
        public var maxUnauthenticatedLiteralSize: Int
        /// Longest line of a command outside literals.
        public var maxLineLength: Int
        /// Client errors before BYE.
        public var maxErrors: Int
        /// Failed logins before BYE.
        public var maxAuthFailures: Int
        /// RFC 5804 §1.2: the autologout timer "MUST be no less than 30 minutes after successful
        /// authentication"; the timer used once authenticated.
        public var idleTimeout: TimeAmount
        /// `[limits] prelogin_timeout_seconds`: silence allowed before authentication, so an
        /// anonymous connection cannot hold a slot for 30 minutes; nil uses `idleTimeout`.
        public var preLoginTimeout: TimeAmount? = nil
        /// How long graceful shutdown lets a command in progress finish.
        public var shutdownGracePeriod: TimeAmount
        /// `[limits] max_connections` and `max_connections_per_address`; over either a client gets
        /// `BYE (TRYLATER)` (RFC 5804 §1.3) instead of the greeting.
        public var connectionLimits = ConnectionLimits()

        public init(host: String = "127.0.0.1", port: Int = 4190, hostname: String,
                    tlsContext: NIOSSLContext? = nil,
                    allowPlaintextAuth: @escaping @Sendable (_ remoteAddress: String, _ tls: Bool) -> Bool
                        = Configuration.tlsOrLoopback,
                    compilerOptions: SieveCompiler.Options = .default,
                    maxScriptSize: Int = SieveScriptLimits.maxScriptBytes,
                    maxScripts: Int = SieveScriptLimits.maxScriptsPerAccount,
                    maxUnauthenticatedLiteralSize: Int = 8192, maxLineLength: Int = 8192, maxErrors: Int = 10, maxAuthFailures: Int = 3,
                    idleTimeout: TimeAmount = .minutes(30), shutdownGracePeriod: TimeAmount = .seconds(30)) {
            self.host = host
            self.port = port
            self.hostname = hostname
            self.tlsContext = tlsContext
            self.allowPlaintextAuth = allowPlaintextAuth
            self.compilerOptions = compilerOptions
            self.maxScriptSize = max(1024, min(maxScriptSize, SieveScriptLimits.maxScriptBytes,
                                               compilerOptions.limits.maximumScriptSize))
            self.maxScripts = max(1, min(maxScripts, SieveScriptLimits.maxScriptsPerAccount))
            self.maxUnauthenticatedLiteralSize = max(1024, min(maxUnauthenticatedLiteralSize, self.maxScriptSize))
            self.maxLineLength = max(maxLineLength, 1100)
            self.maxErrors = max(maxErrors, 1)
            self.maxAuthFailures = max(maxAuthFailures, 1)
            self.idleTimeout = idleTimeout
            self.shutdownGracePeriod = shutdownGracePeriod
        }

        /// The `listener` metrics dimension and the connection id prefix.
        public var listenerName: String { "managesieve" }

        /// The default policy: credentials over TLS, or in the clear only from this machine.
        @Sendable public static func tlsOrLoopback(_ remoteAddress: String, _ tls: Bool) -> Bool {
            tls || LoginThrottle.isLoopback(remoteAddress)
        }

        /// A literal may carry a whole script; the SASL and name strings are far smaller.
        var framer: ManageSieveFramer.Configuration {
            ManageSieveFramer.Configuration(maxLineLength: maxLineLength, maxLiteralSize: maxScriptSize)
        }
    }
}
