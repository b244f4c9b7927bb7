// The protocol rules of one POP3 session, with no socket: the AUTHORIZATION, TRANSACTION and
// UPDATE states of RFC 1939 §§3-6 and the extensions of RFC 2449, 2595, 5034 and 6856.
//
// Implementation notes (invariants the connection relies on):
// - One event at a time; every event returns exactly one `Action`, which the connection carries
//   out before it feeds the next event. The machine never waits and does no I/O.
// - After `.authenticate` the next event must be `loginFinished`; after `.commit`, `committed`;
//   after `.saslContinue`, `saslResponse`; after `.saslStart` and `.saslStep`, `saslChallenge` or
//   `loginFinished`. Anything else is a caller bug, answered with
//   "-ERR [SYS/TEMP]" and close.
// - Deletions live only in the maildrop value until `.commit` (RFC 1939 §6): a timeout, a
//   shutdown or a dropped connection leaves the store untouched.

import MailStore

/// Decides the response to each command of one session. Tested without a channel (STYLE.md).
public struct POP3SessionStateMachine: Sendable {
    /// What the session offers; fixed for its lifetime.
    public struct Configuration: Sendable {
        /// Named in the greeting and the QUIT response.
        public var hostname: String
        /// STLS can be offered (a TLS context exists and TLS is not already active).
        public var tlsAvailable: Bool
        /// Whether USER/PASS/AUTH are accepted before TLS, and once TLS is active: the server's
        /// `allowPlaintextAuth` policy evaluated for this client (DESIGN.md rule 4).
        public var credentialsAllowedWithoutTLS: Bool
        public var credentialsAllowedWithTLS: Bool
        /// Client errors tolerated before "-ERR" and close (DESIGN.md rule 2).
        public var maxErrors: Int
        /// Failed logins tolerated before close.
        public var maxAuthFailures: Int
        /// SASL mechanisms offered by AUTH and CAPA (RFC 5034 §3), upper-case.
        public var saslMechanisms: [String]

        public init(hostname: String, tlsAvailable: Bool = false, credentialsAllowedWithoutTLS: Bool = true,
                    credentialsAllowedWithTLS: Bool = true, maxErrors: Int = 10, maxAuthFailures: Int = 3,
                    saslMechanisms: [String] = ["PLAIN", "LOGIN", "SCRAM-SHA-256"]) {
            self.hostname = hostname
            self.tlsAvailable = tlsAvailable
            self.credentialsAllowedWithoutTLS = credentialsAllowedWithoutTLS
            self.credentialsAllowedWithTLS = credentialsAllowedWithTLS
            self.maxErrors = max(maxErrors, 1)
            self.maxAuthFailures = max(maxAuthFailures, 1)
            self.saslMechanisms = saslMechanisms
        }
    }

    /// What the connection must do next.
    public enum Action: Sendable, Equatable {
        /// Send the response, then read the next command.
        case reply(POP3Response)
        /// Send the response, then close (no UPDATE unless a commit came first).
        case replyAndClose(POP3Response)
        /// Send "+ " and the challenge in base64 (RFC 5034 §4), read one line, call `saslResponse`.
        case saslContinue([UInt8])
        /// Start a SASL exchange of this mechanism with the decoded initial response (nil: none);
        /// then call `saslChallenge` or `loginFinished`.
        case saslStart(mechanism: String, initialResponse: [UInt8]?)
        /// Give the exchange the client's decoded response; then `saslChallenge` or `loginFinished`.
        case saslStep([UInt8])
        /// Send the response, discard buffered input, start TLS (RFC 2595 §4), read commands.
        case startTLS(POP3Response)
        /// Verify, lock the maildrop, snapshot INBOX, then call `loginFinished`.
        case authenticate(POP3Credentials)
        /// Send "+OK", then the message (all of it, or for TOP the header and `bodyLines` lines)
        /// byte-stuffed and terminated; then read the next command.
        case retrieve(POP3Maildrop.Entry, bodyLines: Int?)
        /// UPDATE state (RFC 1939 §6): expunge these UIDs at once, then call `committed`.
        case commit(mailboxID: MailboxID, uids: [UInt32])
    }

    /// What the login attempt behind `.authenticate` came to.
    public enum LoginOutcome: Sendable, Equatable {
        case success(POP3Maildrop)
        case badCredentials
        /// Another POP3 session holds the maildrop (RFC 2449 §8.1.2).
        case inUse
        /// The store failed while opening the maildrop.
        case storeFailure
        /// LoginThrottle refused the attempt without checking the password.
        case throttled
        /// A SASL message broke its mechanism's syntax.
        case malformed
        /// The SASL authorization identity differs from the authentication identity.
        case authorizationDenied
    }

    enum State: Sendable, Equatable {
        /// RFC 1939 §4; `user` after a successful USER.
        case authorization(user: String?)
        case awaitingSASLResponse
        case authenticating
        case transaction(POP3Maildrop)
        /// Transient, inside `command`: the maildrop is being worked on.
        case handlingTransactionCommand
        case updating(remaining: Int)
        case closed
    }

    public let configuration: Configuration
    var state: State = .authorization(user: nil)
    public private(set) var tlsActive: Bool
    /// RFC 6856 §2.1: set by the UTF8 command; STLS is refused afterwards.
    public private(set) var utf8Enabled = false
    private var errorCount = 0
    private var authFailures = 0

    public init(configuration: Configuration, tlsActive: Bool = false) {
        self.configuration = configuration
        self.tlsActive = tlsActive
    }

    /// RFC 1939 §4: the greeting. No APOP timestamp: APOP is not offered.
    public var greeting: POP3Response {
        .ok("\(configuration.hostname) POP3 Facteur ready")
    }

    /// The next line is a SASL response, not a command.
    public var expectsSASLResponse: Bool { state == .awaitingSASLResponse }

    /// In TRANSACTION state: the session holds the maildrop lock.
    public var isInTransaction: Bool {
        switch state {
        case .transaction, .handlingTransactionCommand: true
        default: false
        }
    }

    /// The maildrop as the session sees it now (nil before login): for tests and logging.
    public var maildrop: POP3Maildrop? {
        if case .transaction(let maildrop) = state { return maildrop }
        return nil
    }

    /// USER, PASS and AUTH are accepted on this connection right now (DESIGN.md rule 4).
    public var credentialsAllowed: Bool {
        tlsActive ? configuration.credentialsAllowedWithTLS : configuration.credentialsAllowedWithoutTLS
    }

    /// RFC 2449 §5 CAPA: what is offered in the current state.
    public var capabilities: [String] {
        switch state {
        case .transaction, .handlingTransactionCommand: capabilities(inTransaction: true)
        default: capabilities(inTransaction: false)
        }
    }

    func capabilities(inTransaction: Bool) -> [String] {
        var lines = ["TOP", "UIDL"]
        if !inTransaction {
            lines.append("USER")
            if credentialsAllowed { lines.append((["SASL"] + configuration.saslMechanisms).joined(separator: " ")) }
            // RFC 2595 §4: only before TLS, and only when it can be done.
            if configuration.tlsAvailable && !tlsActive { lines.append("STLS") }
        }
        lines += ["RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "EXPIRE NEVER", "LOGIN-DELAY 0", "UTF8",
                  "IMPLEMENTATION Facteur"]
        return lines
    }

    // MARK: - Events

    /// A command line was parsed (or failed to parse).
    public mutating func command(_ parsed: Result<POP3Command, POP3CommandError>) -> Action {
        switch parsed {
        case .failure(let error):
            return clientError(error.response)
        case .success(let command):
            switch state {
            case .authorization(let user): return authorization(command, user: user)
            case .transaction(var maildrop):
                // Moved out of `state` while it changes, so DELE mutates it in place, not a copy.
                state = .handlingTransactionCommand
                let action = transaction(command, maildrop: &maildrop)
                if state == .handlingTransactionCommand { state = .transaction(maildrop) }
                return action
            case .awaitingSASLResponse, .authenticating, .handlingTransactionCommand, .updating, .closed:
                return protocolBug()
            }
        }
    }

    /// The framing handler dropped an over-long line (RFC 2449 §4 bounds commands at 255 octets).
    public mutating func lineTooLong() -> Action {
        if state == .awaitingSASLResponse { state = .authorization(user: nil) }
        return clientError(.err("line too long"))
    }

    /// RFC 1939 §3: the autologout timer expired. Nothing is committed.
    public mutating func timedOut() -> Action {
        state = .closed
        return .replyAndClose(.err("autologout; idle for too long"))
    }

    /// Graceful shutdown while waiting for a command. Nothing is committed.
    public mutating func shutdown() -> Action {
        state = .closed
        return .replyAndClose(.err("\(configuration.hostname) shutting down", code: .sysTemp))
    }

    /// The UPDATE state's expunge finished. RFC 1939 §6: +OK only once the deletions are done.
    public mutating func committed(succeeded: Bool) -> Action {
        guard case .updating(let remaining) = state else { return protocolBug() }
        state = .closed
        if succeeded {
            return .replyAndClose(.ok("\(configuration.hostname) POP3 server signing off (\(remaining) messages left)"))
        }
        return .replyAndClose(.err("some deleted messages not removed", code: .sysTemp))
    }

    // MARK: - Helpers

    /// A response the client earned by misbehaving; too many of them end the session.
    mutating func clientError(_ response: POP3Response) -> Action {
        errorCount += 1
        if errorCount >= configuration.maxErrors {
            state = .closed
            return .replyAndClose(.err("too many errors, closing connection"))
        }
        return .reply(response)
    }

    /// A failed login; RFC 1939 §4 lets the server close after repeated failures.
    mutating func authenticationFailed(_ response: POP3Response) -> Action {
        authFailures += 1
        if authFailures >= configuration.maxAuthFailures {
            state = .closed
            return .replyAndClose(response)
        }
        state = .authorization(user: nil)
        return .reply(response)
    }

    mutating func protocolBug() -> Action {
        state = .closed
        return .replyAndClose(.err("internal error", code: .sysTemp))
    }

    mutating func enterUpdate(remaining: Int) {
        state = .updating(remaining: remaining)
    }

    mutating func enterTLS() {
        tlsActive = true
    }

    mutating func enableUTF8() {
        utf8Enabled = true
    }
}
