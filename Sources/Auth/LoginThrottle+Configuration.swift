// The knobs of LoginThrottle; FacteurServer fills them from the `[security]` table of facteur.toml.

extension LoginThrottle {
    /// How hard failed logins are slowed down and when an address is refused outright.
    /// Defaults follow common practice for mail servers (delays of seconds, lockouts of minutes):
    /// they make online guessing slow without hurting a user who mistypes twice.
    public struct Configuration: Sendable, Equatable {
        /// The delay added after the first recorded failure; doubles with each further one.
        public var initialDelay: Duration
        /// The delay never grows past this, so a legitimate client still gets an answer.
        public var maxDelay: Duration
        /// Failures from one remote address within `failureWindow` that lock the address out.
        /// Accounts are never locked out (that would let anyone lock a user out); only delayed.
        public var lockoutFailures: Int
        /// Failures older than this (counted from the first of a run) are forgotten.
        public var failureWindow: Duration
        /// How long a locked-out address is refused without its password being checked.
        public var lockoutDuration: Duration
        /// Addresses and accounts tracked, each; past this the oldest entries are dropped, so a
        /// flood of distinct addresses or user names costs bounded memory.
        public var maxTrackedEntries: Int
        /// When true, loopback remotes (a local webmail, say) are neither delayed nor locked out
        /// per address; failures still count against the account they name.
        public var exemptLoopback: Bool

        public init(initialDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(8),
                    lockoutFailures: Int = 10, failureWindow: Duration = .seconds(900),
                    lockoutDuration: Duration = .seconds(900), maxTrackedEntries: Int = 100_000,
                    exemptLoopback: Bool = false) {
            self.initialDelay = max(initialDelay, .zero)
            self.maxDelay = max(maxDelay, self.initialDelay)
            self.lockoutFailures = max(lockoutFailures, 1)
            self.failureWindow = max(failureWindow, .zero)
            self.lockoutDuration = max(lockoutDuration, .zero)
            self.maxTrackedEntries = max(maxTrackedEntries, 1)
            self.exemptLoopback = exemptLoopback
        }
    }

    /// What the protocol layer does with a login attempt, decided before the password is checked.
    public enum Decision: Sendable, Equatable {
        /// Check the password; if it fails, wait `delay` before answering (a success answers at once).
        case allow(delay: Duration)
        /// Do not check the password; answer a temporary failure (POP3 `[SYS/TEMP]`, SMTP 454,
        /// IMAP `NO [UNAVAILABLE]`). The address may try again after `retryAfter`.
        case refuse(retryAfter: Duration)
    }

    /// Counters for the protocol layer or the admin API to export; Auth has no metrics backend.
    public struct Snapshot: Sendable, Equatable {
        public var trackedAddresses: Int
        public var trackedAccounts: Int
        /// Addresses refused right now.
        public var lockedAddresses: Int
        public var failuresRecorded: Int
        public var refusals: Int
        public var lockouts: Int
        public var evictions: Int
    }

    /// 127.0.0.0/8, ::1 and IPv4-mapped 127.0.0.0/8: this machine.
    public static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1" || address.lowercased().hasPrefix("::ffff:127.")
    }
}
