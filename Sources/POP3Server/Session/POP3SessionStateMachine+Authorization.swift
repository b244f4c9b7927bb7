// AUTHORIZATION state: USER/PASS (RFC 1939 §7), AUTH with the SASL mechanisms of Auth (RFC 5034),
// STLS (RFC 2595 §4),
// UTF8 (RFC 6856 §2.1), CAPA (RFC 2449 §5), QUIT.

import Foundation

extension POP3SessionStateMachine {
    /// RFC 3206 §5 [AUTH]: the client must change something (here: use TLS) before logging in.
    static let credentialsRefused = POP3Response.err(
        "credentials are only accepted over TLS; use STLS or the pop3s port first", code: .auth)

    /// Answer while LoginThrottle refuses the client's address.
    static let throttledResponse = POP3Response.err("too many failed logins, try later", code: .sysTemp)

    mutating func authorization(_ command: POP3Command, user: String?) -> Action {
        switch command {
        case .capa:
            return .reply(.ok("capability list follows", lines: capabilities))
        case .user(let name):
            guard credentialsAllowed else { return clientError(Self.credentialsRefused) }
            state = .authorization(user: name)
            return .reply(.ok("send PASS"))
        case .pass(let password):
            guard credentialsAllowed else { return clientError(Self.credentialsRefused) }
            // RFC 1939 §7: PASS only right after a successful USER.
            guard let user else { return clientError(.err("send USER first")) }
            state = .authenticating
            return .authenticate(POP3Credentials(user: user, password: password))
        case .auth(nil, _):
            // No mechanism: list what can be used now, one per line (as RFC 1734 servers do).
            return .reply(.ok("supported mechanisms follow", lines: credentialsAllowed ? configuration.saslMechanisms : []))
        case .auth(let mechanism?, let initialResponse):
            guard configuration.saslMechanisms.contains(mechanism) else {
                return clientError(.err("unsupported authentication mechanism"))
            }
            guard credentialsAllowed else { return clientError(Self.credentialsRefused) }
            // RFC 5034 §4: "=" is an empty initial response; anything else is base64.
            var decoded: [UInt8]?
            if let initialResponse {
                guard let bytes = Self.decodeBase64(initialResponse) else {
                    return clientError(.err("malformed SASL initial response"))
                }
                decoded = bytes
            }
            state = .authenticating
            return .saslStart(mechanism: mechanism, initialResponse: decoded)
        case .stls:
            if tlsActive { return clientError(.err("TLS already active")) }
            guard configuration.tlsAvailable else { return clientError(.err("STLS not available")) }
            // RFC 6856 §2.1: servers MAY refuse STLS after UTF8.
            if utf8Enabled { return clientError(.err("STLS not allowed after UTF8")) }
            // RFC 2595 §4: the USER given before TLS is forgotten; capabilities may change.
            state = .authorization(user: nil)
            enterTLS()
            return .startTLS(.ok("Begin TLS negotiation"))
        case .utf8:
            enableUTF8()
            return .reply(.ok("UTF8 enabled"))
        case .quit:
            // RFC 1939 §6: QUIT in AUTHORIZATION does not enter UPDATE.
            state = .closed
            return .replyAndClose(.ok("\(configuration.hostname) POP3 server signing off"))
        case .stat, .list, .retr, .dele, .noop, .rset, .top, .uidl:
            return clientError(.err("not logged in; use USER/PASS or AUTH"))
        }
    }

    /// The line after "+ ": RFC 5034 §4, "*" cancels.
    public mutating func saslResponse(_ line: [UInt8]) -> Action {
        guard state == .awaitingSASLResponse else { return protocolBug() }
        state = .authorization(user: nil)
        if line == [UInt8(ascii: "*")] { return clientError(.err("authentication cancelled")) }
        guard let text = String(validating: line, as: UTF8.self), let response = Self.decodeBase64(text) else {
            return clientError(.err("malformed SASL response"))
        }
        state = .authenticating
        return .saslStep(response)
    }

    /// The SASL exchange behind `.saslStart`/`.saslStep` sent a challenge: send it, read the answer.
    public mutating func saslChallenge(_ challenge: [UInt8]) -> Action {
        guard state == .authenticating else { return protocolBug() }
        state = .awaitingSASLResponse
        return .saslContinue(challenge)
    }

    /// Strict base64 (RFC 4648 §4); "" and "=" are empty.
    static func decodeBase64(_ text: String) -> [UInt8]? {
        if text.isEmpty || text == "=" { return [] }
        return Data(base64Encoded: text).map(Array.init)
    }

    /// The outcome of `.authenticate`.
    public mutating func loginFinished(_ outcome: LoginOutcome) -> Action {
        guard state == .authenticating else { return protocolBug() }
        switch outcome {
        case .success(let maildrop):
            state = .transaction(maildrop)
            return .reply(.ok("maildrop has \(maildrop.liveCount) messages (\(maildrop.liveOctets) octets)"))
        case .badCredentials:
            // RFC 3206 §5: [AUTH] for credentials that did not verify.
            return authenticationFailed(.err("invalid user name or password", code: .auth))
        case .inUse:
            state = .authorization(user: nil)
            return .reply(.err("maildrop already locked by another POP3 session", code: .inUse))
        case .storeFailure:
            state = .authorization(user: nil)
            return .reply(.err("maildrop temporarily unavailable", code: .sysTemp))
        case .throttled:
            // RFC 3206 §4 [SYS/TEMP]: a temporary condition, not the credentials' fault (the
            // password was not even checked). Counts as a failed login, so a client that keeps
            // trying is disconnected after maxAuthFailures.
            return authenticationFailed(Self.throttledResponse)
        case .malformed:
            state = .authorization(user: nil)
            return clientError(.err("malformed SASL response"))
        case .authorizationDenied:
            return authenticationFailed(.err("authorization identity not permitted", code: .auth))
        }
    }
}
