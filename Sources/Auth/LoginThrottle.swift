// Slows down password guessing for every protocol that takes passwords (POP3 now; SMTP AUTH,
// IMAP and ManageSieve next), so it knows nothing of any protocol.
//
// Implementation notes:
// - Two tables: failures per remote address and failures per account (the login name,
//   lower-cased). The delay before a failure is answered grows with the larger of the two
//   counts; only the address table can lock out, so nobody can lock a user out of their account
//   by guessing at it.
// - A run of failures is forgotten `failureWindow` after its first failure, a lockout when it
//   ends; expired entries are dropped when met and whenever a table is full.
// - Each table (LoginFailureTable) holds at most `maxTrackedEntries`: when full, expired entries go first, then the
//   oldest tenth (one sort per tenth of the table, so the cost per failure stays small under a
//   flood of distinct addresses).
// - Keys are cut to a bounded length: a client picks the login name.

/// Shared by every listener of the process so an attacker gains nothing by switching protocol.
///
/// ```swift
/// switch await throttle.check(address: user, remote: remoteIP) {
/// case .refuse: reply("-ERR [SYS/TEMP] too many failed logins, try later")
/// case .allow(let delay):
///     if let account = await authenticator.authenticate(address: user, password: password) {
///         await throttle.recordSuccess(address: user, remote: remoteIP)
///     } else {
///         await throttle.recordFailure(address: user, remote: remoteIP)
///         try? await Task.sleep(for: delay)   // never block an event loop
///     }
/// }
/// ```
public actor LoginThrottle {
    /// Monotonic time since an arbitrary origin; tests pass a clock they move by hand.
    public typealias Now = @Sendable () -> Duration

    /// Longest key kept: 320 is the longest mail address (RFC 5321 §4.5.3.1.1 local part 64 +
    /// "@" + domain 255), and more than any textual IP address.
    static let maxKeyLength = 320

    public let configuration: Configuration
    private let now: Now
    private var addresses: LoginFailureTable
    private var accounts: LoginFailureTable
    private var failuresRecorded = 0
    private var refusals = 0
    private var lockouts = 0
    private var evictions = 0

    public init(configuration: Configuration = Configuration(), now: Now? = nil) {
        self.configuration = configuration
        addresses = LoginFailureTable(configuration: configuration)
        accounts = LoginFailureTable(configuration: configuration)
        if let now {
            self.now = now
        } else {
            let origin = ContinuousClock.now
            self.now = { ContinuousClock.now - origin }
        }
    }

    /// Asked before the password is verified. `address` is the login name as the client sent
    /// it; `remote` the peer's IP address as text.
    public func check(address: String, remote: String) -> Decision {
        let time = now()
        let accountKey = Self.accountKey(address)
        var addressFailures = 0
        if let remoteKey = addressKey(remote), let entry = addresses.live(remoteKey, at: time) {
            if let lockedUntil = entry.lockedUntil {
                refusals += 1
                return .refuse(retryAfter: lockedUntil - time)
            }
            addressFailures = entry.failures
        }
        let accountFailures = accounts.live(accountKey, at: time)?.failures ?? 0
        return .allow(delay: delay(afterFailures: max(addressFailures, accountFailures)))
    }

    /// The password did not verify (or the name is unknown: the same to the throttle).
    public func recordFailure(address: String, remote: String) {
        let time = now()
        failuresRecorded += 1
        let accountKey = Self.accountKey(address)
        evictions += accounts.recordFailure(accountKey, at: time).evicted
        if let remoteKey = addressKey(remote) {
            let (failures, evicted) = addresses.recordFailure(remoteKey, at: time)
            evictions += evicted
            if failures >= configuration.lockoutFailures, addresses.lock(remoteKey, until: time + configuration.lockoutDuration) {
                lockouts += 1
            }
        }
    }

    /// The password verified: forget this account's failures and this address's (a user who
    /// finally typed it right should not stay slow).
    public func recordSuccess(address: String, remote: String) {
        accounts.forget(Self.accountKey(address), unlessLocked: false)
        if let remoteKey = addressKey(remote) {
            addresses.forget(remoteKey, unlessLocked: true)
        }
    }

    public func snapshot() -> Snapshot {
        let time = now()
        return Snapshot(
            trackedAddresses: addresses.count, trackedAccounts: accounts.count,
            lockedAddresses: addresses.lockedCount(at: time),
            failuresRecorded: failuresRecorded, refusals: refusals, lockouts: lockouts, evictions: evictions)
    }

    /// 0 for no failure, then initialDelay doubling up to maxDelay.
    func delay(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        var delay = configuration.initialDelay
        for _ in 1..<min(failures, 64) {
            delay *= 2
            if delay >= configuration.maxDelay { return configuration.maxDelay }
        }
        return min(delay, configuration.maxDelay)
    }

    // MARK: - Tables

    static func accountKey(_ address: String) -> String {
        String(address.prefix(maxKeyLength)).lowercased()
    }

    /// nil when the remote is exempt (loopback with `exemptLoopback`) or unknown.
    private func addressKey(_ remote: String) -> String? {
        guard !remote.isEmpty else { return nil }
        if configuration.exemptLoopback && Self.isLoopback(remote) { return nil }
        return String(remote.prefix(Self.maxKeyLength)).lowercased()
    }
}
