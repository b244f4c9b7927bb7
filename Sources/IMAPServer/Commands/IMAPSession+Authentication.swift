// STARTTLS, LOGIN, AUTHENTICATE with the SASL mechanisms of Auth (RFC 9051 §6.2; SASL-IR, RFC 4959)
// and ENABLE (RFC 5161).

import Auth
import MailStore
import NIOCore

extension IMAPSession {
    // RFC 9051 §6.2.1: "OK" then the TLS handshake; buffered plaintext is discarded by the framing
    // handler (CVE-2011-0411) and the client must ask for CAPABILITY again.
    mutating func startTLS(tag: String) -> CommandOutcome {
        guard configuration.tlsContext != nil, !tlsActive else {
            return .done(.bad(tlsActive ? "TLS is already active" : "STARTTLS is not available"))
        }
        queue(.tagged(tag: tag, .ok("Begin TLS negotiation now")))
        tlsActive = true
        logger.debug("starting TLS")
        return .continued(.startTLS)
    }

    mutating func login(tag: String, username: String, password: [UInt8], _ outbound: Outbound) async throws -> CommandOutcome {
        guard credentialsAllowed else {
            dependencies.metrics.login("refused")
            return .done(.no("Use STARTTLS or IMAPS before sending a password", code: .privacyRequired))
        }
        let result = await sasl.verifyPassword(user: username, password: String(decoding: password, as: UTF8.self),
                                               remote: remoteAddress)
        switch result {
        case .success(let account): return try await loggedIn(account, outbound)
        case .badCredentials: return failed(.badCredentials(user: username), tag: tag)
        case .throttled(let retryAfter): return failed(.throttled(user: username, retryAfter: retryAfter), tag: tag)
        }
    }

    /// The shared SASL layer (Auth) with this listener's authenticator and throttle.
    var sasl: SASLServer {
        SASLServer(authenticator: dependencies.authenticator, throttle: dependencies.throttle)
    }

    // RFC 9051 §6.2.2: challenges are "+ base64", responses one base64 line, "*" cancels.
    mutating func authenticate(tag: String, mechanism: String, initialResponse: [UInt8]?,
                               _ outbound: Outbound) async throws -> CommandOutcome {
        guard var exchange = sasl.makeExchange(mechanism: mechanism, remote: remoteAddress) else {
            return .done(.no("Unsupported authentication mechanism", code: .cannot))
        }
        guard credentialsAllowed else {
            dependencies.metrics.login("refused")
            return .done(.no("Use STARTTLS or IMAPS before authenticating", code: .privacyRequired))
        }
        let step = await exchange.start(initialResponse: initialResponse)
        return try await carryOut(step, of: exchange, tag: tag, outbound)
    }

    /// The client's line after "+ ": its response in base64, or "*" to cancel.
    mutating func continueAuthentication(tag: String, line: IMAPCommandFrame, _ outbound: Outbound) async throws -> Bool {
        mode = .commands
        let exchange = saslExchange
        saslExchange = nil
        let outcome: CommandOutcome
        do {
            switch try IMAPCommandParser.parseSASLContinuation(line) {
            case .cancel:
                outcome = .done(.bad("Authentication cancelled"))
            case .response(let response):
                if var exchange {
                    let step = await exchange.step(response)
                    outcome = try await carryOut(step, of: exchange, tag: tag, outbound)
                } else {
                    outcome = .done(.bad("No authentication in progress"))
                }
            }
        } catch {
            outcome = .done(.bad("Invalid base64 in the authentication response"))
        }
        switch outcome {
        case .done(let status):
            queue(.tagged(tag: tag, status))
            try await flush(then: .command, outbound)
            return true
        case .close:
            return try await close(outbound)
        case .continued(let next):
            try await flush(then: next, outbound)
            return true
        }
    }

    /// Sends a challenge and waits for the next line, or ends the command.
    private mutating func carryOut(_ step: SASLStep, of exchange: SASLExchange, tag: String,
                                   _ outbound: Outbound) async throws -> CommandOutcome {
        switch step {
        case .challenge(let challenge):
            queue(.continuation(.challenge(challenge)))
            saslExchange = exchange
            mode = .authenticating(tag: tag)
            return .continued(.saslResponse)
        case .success(let account, _):
            return try await loggedIn(account, outbound)
        case .failure(let failure):
            return failed(failure, tag: tag)
        }
    }

    /// Metrics, logs and the reply for a failed login; closes after `maxAuthFailures` bad ones.
    private mutating func failed(_ failure: SASLFailure, tag: String) -> CommandOutcome {
        let user = "\(failure.user?.prefix(256) ?? "")"
        switch failure {
        case .malformed:
            return .done(.bad("Malformed authentication message"))
        case .authorizationDenied:
            dependencies.metrics.login("failure")
            logger.info("authorization identity refused", metadata: ["imap.user": "\(user)"])
            return .done(.no("Authorization identity not permitted", code: .authorizationFailed))
        case .throttled(_, let retryAfter):
            dependencies.metrics.login("throttled")
            logger.info("login throttled", metadata: ["imap.user": "\(user)", "retry.after": "\(retryAfter)"])
            return .done(.no("Too many failed logins; try again later", code: .unavailable))
        case .badCredentials:
            // The failure delay was already waited out by the SASL layer.
            dependencies.metrics.login("failure")
            logger.info("login failed", metadata: ["imap.user": "\(user)"])
            authFailures += 1
            if authFailures >= configuration.maxAuthFailures {
                queue(.tagged(tag: tag, .no("Authentication failed", code: .authenticationFailed)))
                queue(.untagged(.bye(nil, "Too many failed logins")))
                return .close
            }
            return .done(.no("Authentication failed", code: .authenticationFailed))
        }
    }

    /// Enter the authenticated state.
    private mutating func loggedIn(_ account: Account, _ outbound: Outbound) async throws -> CommandOutcome {
        dependencies.metrics.login("success")
        state = .authenticated(account)
        logger[metadataKey: "account"] = "\(account.address)"
        logger.info("logged in")
        // RFC 9051 §5.4: the longer autologout timer applies from now on.
        try await outbound.write(.setAutologout(configuration.autologout))
        return .done(.ok("Logged in", code: .capability(capabilities)))
    }

    // RFC 5161 §3.1: only what the server supports is enabled, and only what this command newly
    // enabled is listed. RFC 7162 §3.2.3: QRESYNC implies CONDSTORE ("ENABLE QRESYNC" and
    // "ENABLE QRESYNC CONDSTORE" have identical results).
    mutating func enable(_ names: [String]) -> CommandOutcome {
        guard selected == nil else { return .done(.bad("ENABLE is not allowed with a mailbox selected")) }
        var enabled: [String] = []
        func asks(_ capability: String) -> Bool {
            names.contains { $0.caseInsensitiveCompare(capability) == .orderedSame }
        }
        if asks("IMAP4rev2") && !rev2Enabled {
            enabled.append("IMAP4rev2")
            rev2Enabled = true
        }
        if asks("CONDSTORE") && !condStoreEnabled { enabled.append("CONDSTORE") }
        if asks("QRESYNC") && !qresyncEnabled { enabled.append("QRESYNC") }
        if asks("CONDSTORE") || asks("QRESYNC") { condStoreEnabled = true }
        if asks("QRESYNC") { qresyncEnabled = true }
        queue(.untagged(.enabled(enabled)))
        return .done(.ok("ENABLE completed"))
    }

    // RFC 8437 §2: back to the not-authenticated state with everything a fresh connection would
    // have, TLS excepted; the client may log in again, as someone else.
    mutating func unauthenticate(_ outbound: Outbound) async throws -> CommandOutcome {
        if let view = selected { dependencies.hub.unwatch(view.mailbox.id, channel: connection.channel) }
        try await stopNotifications(outbound)
        state = .notAuthenticated
        rev2Enabled = false
        condStoreEnabled = false
        qresyncEnabled = false
        savedSearch = nil
        authFailures = 0
        logger[metadataKey: "account"] = nil
        try await outbound.write(.setAutologout(configuration.preLoginTimeout))
        return .done(.ok("UNAUTHENTICATE completed"))
    }
}
