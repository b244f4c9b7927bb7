// What one step of a server-side SASL exchange (RFC 4422 §3) comes to.
import MailStore

/// The answer to the client's latest message: another challenge, or the end.
public enum SASLStep: Sendable, Equatable {
    /// Send this (base64 on the wire, `+ ` alone when empty) and wait for the client's response.
    case challenge([UInt8])
    /// Authenticated as `account`. `additionalData` is the mechanism's data with the outcome
    /// (SCRAM's server-final-message); `SASLExchange` turns it into a last challenge for protocols
    /// whose success reply cannot carry it (RFC 4422 §5 item 3).
    case success(Account, additionalData: [UInt8]?)
    case failure(SASLFailure)
}

/// Why an exchange failed; each protocol maps these to its replies and metrics.
public enum SASLFailure: Sendable, Equatable, CustomStringConvertible {
    /// The client's message broke the mechanism's syntax (IMAP BAD, POP3 -ERR).
    case malformed(String)
    /// Credentials did not verify, or the user is unknown (the same to the client).
    case badCredentials(user: String)
    /// Acting as another user (authzid ≠ authcid) is not offered.
    case authorizationDenied(user: String)
    /// LoginThrottle refused the client's address before anything was checked.
    case throttled(user: String, retryAfter: Duration)

    /// The login name the client gave, when it got that far (for logs; never a password).
    public var user: String? {
        switch self {
        case .malformed: nil
        case .badCredentials(let user), .authorizationDenied(let user), .throttled(let user, _): user
        }
    }

    public var description: String {
        switch self {
        case .malformed(let why): "malformed SASL message: \(why)"
        case .badCredentials: "authentication failed"
        case .authorizationDenied: "authorization identity not permitted"
        case .throttled(_, let retryAfter): "throttled for \(retryAfter)"
        }
    }
}

/// What a password check through `SASLServer.verifyPassword` came to (IMAP LOGIN, POP3 USER/PASS).
public enum LoginResult: Sendable, Equatable {
    case success(Account)
    case badCredentials
    case throttled(retryAfter: Duration)
}
