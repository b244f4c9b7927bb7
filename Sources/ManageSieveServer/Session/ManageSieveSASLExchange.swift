// The SASL mechanisms ManageSieve offers (RFC 5804 §2.1), kept in this one file so that a shared
// multi-mechanism SASL layer can replace it without touching the session: the session only sees
// `mechanisms`, `init?(mechanism:)`, `start(initialResponse:)` and `step(_:)`.

import Auth

/// One authentication exchange in progress. The session sends each `.challenge` as a string and
/// feeds the client's answer (base64 text, "*" already handled) back into `step`.
struct ManageSieveSASLExchange: Sendable {
    /// What the SASL capability lists when credentials are acceptable.
    // todo(rfc): RFC 5804 §2.1 SCRAM-SHA-1 is mandatory to implement; it comes with the shared SASL layer.
    // todo(rfc): RFC 5804 §2.1 SASL proxy authentication (authzid ≠ authcid) for administrators.
    static let mechanisms = ["PLAIN"]

    enum Step: Sendable, Equatable {
        /// Send this base64 text as a string and wait for the client's response.
        case challenge(String)
        /// The mechanism produced credentials to verify.
        case credentials(user: String, password: String)
        /// The exchange failed; answer NO with this text.
        case failed(String)
    }

    let mechanism: String

    /// Nil for a mechanism not offered.
    init?(mechanism: String) {
        guard Self.mechanisms.contains(mechanism.uppercased()) else { return nil }
        self.mechanism = mechanism.uppercased()
    }

    /// RFC 5804 §2.1: with an initial response, no empty challenge is sent.
    mutating func start(initialResponse: [UInt8]?) -> Step {
        guard let initialResponse else { return .challenge("") }   // PLAIN: the empty challenge
        return step(initialResponse)
    }

    /// RFC 4616: decode PLAIN; accept only an empty authzid or one equal to the authcid (no proxying).
    mutating func step(_ response: [UInt8]) -> Step {
        let credentials: SASLPlainCredentials
        do {
            credentials = try SASLPlain.parseBase64Message(String(decoding: response, as: UTF8.self))
        } catch {
            return .failed("malformed SASL PLAIN response")
        }
        if let authzid = credentials.authorizationIdentity, authzid != credentials.authenticationIdentity {
            return .failed("authorization identity not permitted")
        }
        return .credentials(user: credentials.authenticationIdentity, password: credentials.password)
    }
}
