// `[security]`: the plaintext-credentials policy (DESIGN.md rule 4) and the login throttle's
// knobs, turned into the values the listeners take.
import Auth

extension FacteurConfiguration {
    /// `[security]` of facteur.toml. Defaults are safe for a server on the Internet.
    public struct Security: Sendable, Equatable {
        /// When USER/PASS, AUTH PLAIN and LOGIN may be used without TLS.
        public enum PlaintextAuth: String, Sendable, Equatable, CaseIterable {
            /// Only from this machine (a local webmail or test client); TLS everywhere else.
            case loopback
            /// Never: credentials only over TLS (STLS/STARTTLS or an implicit-TLS port).
            case never
            /// Always: for closed networks only; passwords cross the wire readable.
            case always
        }

        public var plaintextAuth: PlaintextAuth
        /// `login_failure_delay_ms`: the delay after the first failure, doubling with each further one.
        public var loginFailureDelayMilliseconds: Int
        /// `login_max_delay_ms`: the delay never grows past this.
        public var loginMaxDelayMilliseconds: Int
        /// `login_lockout_failures`: failures from one address within the window that lock it out.
        public var loginLockoutFailures: Int
        /// `login_lockout_seconds`: how long a locked-out address is refused.
        public var loginLockoutSeconds: Int
        /// `login_failure_window_seconds`: how long a run of failures is remembered.
        public var loginFailureWindowSeconds: Int
        /// `login_exempt_loopback`: loopback addresses are not throttled per address.
        public var loginExemptLoopback: Bool

        public init(plaintextAuth: PlaintextAuth = .loopback, loginFailureDelayMilliseconds: Int = 500,
                    loginMaxDelayMilliseconds: Int = 8_000, loginLockoutFailures: Int = 10,
                    loginLockoutSeconds: Int = 900, loginFailureWindowSeconds: Int = 900,
                    loginExemptLoopback: Bool = false) {
            self.plaintextAuth = plaintextAuth
            self.loginFailureDelayMilliseconds = loginFailureDelayMilliseconds
            self.loginMaxDelayMilliseconds = loginMaxDelayMilliseconds
            self.loginLockoutFailures = loginLockoutFailures
            self.loginLockoutSeconds = loginLockoutSeconds
            self.loginFailureWindowSeconds = loginFailureWindowSeconds
            self.loginExemptLoopback = loginExemptLoopback
        }

        /// What `LoginThrottle(configuration:)` takes; one throttle serves every listener.
        public func loginThrottleConfiguration() -> LoginThrottle.Configuration {
            LoginThrottle.Configuration(
                initialDelay: .milliseconds(loginFailureDelayMilliseconds),
                maxDelay: .milliseconds(loginMaxDelayMilliseconds),
                lockoutFailures: loginLockoutFailures,
                failureWindow: .seconds(loginFailureWindowSeconds),
                lockoutDuration: .seconds(loginLockoutSeconds),
                exemptLoopback: loginExemptLoopback)
        }

        /// Whether credentials are accepted from `remoteAddress` (textual IP) with TLS in force or not.
        public func allowPlaintextAuth(remoteAddress: String, tls: Bool) -> Bool {
            if tls { return true }
            switch plaintextAuth {
            case .always: return true
            case .never: return false
            case .loopback: return LoginThrottle.isLoopback(remoteAddress)
            }
        }

        /// The same policy as a closure, the shape POP3Server.Configuration.allowPlaintextAuth
        /// (and the SMTP/IMAP listeners after it) take.
        public var plaintextAuthPolicy: @Sendable (_ remoteAddress: String, _ tls: Bool) -> Bool {
            let security = self
            return { remoteAddress, tls in security.allowPlaintextAuth(remoteAddress: remoteAddress, tls: tls) }
        }
    }
}
