// The one SASL layer of every protocol (IMAP AUTHENTICATE, POP3 AUTH, ManageSieve AUTHENTICATE;
// SMTP AUTH next): which mechanisms exist, and the throttle and failure delay that every one of them obeys.
import MailStore

/// Makes SASL exchanges and checks plain passwords, with the login throttle applied the same way
/// to all of them. Sendable and cheap to copy: one per listener, shared by its sessions.
///
/// ```swift
/// guard var exchange = sasl.makeExchange(mechanism: "SCRAM-SHA-256", remote: peer) else { … NO }
/// var step = await exchange.start(initialResponse: initialResponse)
/// while case .challenge(let bytes) = step { send("+ " + base64(bytes)); step = await exchange.step(read()) }
/// ```
public struct SASLServer: Sendable {
    /// Mechanism names in the order servers announce them.
    public enum Mechanism: String, Sendable, CaseIterable {
        case plain = "PLAIN"
        case login = "LOGIN"
        case scramSHA256 = "SCRAM-SHA-256"
    }

    public let authenticator: Authenticator
    /// nil disables throttling (tests, or a listener that must never slow down).
    public let throttle: LoginThrottle?

    public init(authenticator: Authenticator, throttle: LoginThrottle?) {
        self.authenticator = authenticator
        self.throttle = throttle
    }

    /// What to announce (IMAP `AUTH=`, POP3 `SASL`). SCRAM-SHA-256-PLUS is absent: swift-nio-ssl
    /// gives no access to the TLS exporter that RFC 9266 channel binding needs.
    public var mechanismNames: [String] { Mechanism.allCases.map(\.rawValue) }

    /// A fresh exchange for `mechanism` (any case), nil when it is not offered. `remote` is the
    /// peer's IP address as text, the throttle's key. `successDataAsChallenge`: true for protocols
    /// whose success reply cannot carry data (IMAP, POP3, SMTP), so SCRAM's server-final-message
    /// goes out as a last challenge answered by an empty response (RFC 4422 §5).
    public func makeExchange(mechanism: String, remote: String, successDataAsChallenge: Bool = true) -> SASLExchange? {
        guard let known = Mechanism(rawValue: mechanism.uppercased()) else { return nil }
        let implementation: any SASLServerMechanism
        switch known {
        case .plain: implementation = SASLPlainMechanism(server: self, remote: remote)
        case .login: implementation = SASLLoginMechanism(server: self, remote: remote)
        case .scramSHA256: implementation = SCRAMSHA256Mechanism(server: self, remote: remote)
        }
        return SASLExchange(mechanism: known, implementation: implementation, successDataAsChallenge: successDataAsChallenge)
    }

    /// Throttle, verify (account password or app password), record, and wait the failure delay:
    /// IMAP LOGIN and POP3 USER/PASS, and the PLAIN and LOGIN mechanisms.
    public func verifyPassword(user: String, password: String, remote: String) async -> LoginResult {
        let delay: Duration
        switch await admit(user: user, remote: remote) {
        case .refuse(let retryAfter): return .throttled(retryAfter: retryAfter)
        case .allow(let allowed): delay = allowed
        }
        guard let account = await authenticator.authenticate(address: user, password: password) else {
            await recordFailure(user: user, remote: remote, delay: delay)
            return .badCredentials
        }
        await recordSuccess(user: user, remote: remote)
        return .success(account)
    }

    /// `verifyPassword` as a mechanism's last step.
    func passwordStep(user: String, password: String, remote: String) async -> SASLStep {
        switch await verifyPassword(user: user, password: password, remote: remote) {
        case .success(let account): return .success(account, additionalData: nil)
        case .badCredentials: return .failure(.badCredentials(user: user))
        case .throttled(let retryAfter): return .failure(.throttled(user: user, retryAfter: retryAfter))
        }
    }

    // MARK: Throttle

    func admit(user: String, remote: String) async -> LoginThrottle.Decision {
        guard let throttle else { return .allow(delay: .zero) }
        return await throttle.check(address: user, remote: remote)
    }

    /// Records the failure, then waits `delay` before the caller answers. Only failures wait; a
    /// sleeping task holds no event loop, and cancellation (shutdown) cuts the wait short.
    func recordFailure(user: String, remote: String, delay: Duration) async {
        await throttle?.recordFailure(address: user, remote: remote)
        if delay > .zero { try? await Task.sleep(for: delay) }
    }

    func recordSuccess(user: String, remote: String) async {
        await throttle?.recordSuccess(address: user, remote: remote)
    }
}
