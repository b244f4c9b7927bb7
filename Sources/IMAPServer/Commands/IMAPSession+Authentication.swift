// STARTTLS, LOGIN, AUTHENTICATE PLAIN (RFC 9051 §6.2; SASL-IR, RFC 4959) and ENABLE (RFC 5161).

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
        return try await verify(tag: tag, username: username, password: String(decoding: password, as: UTF8.self), outbound)
    }

    mutating func authenticate(tag: String, mechanism: String, initialResponse: [UInt8]?,
                               _ outbound: Outbound) async throws -> CommandOutcome {
        guard mechanism == "PLAIN" else {
            return .done(.no("Unsupported authentication mechanism", code: .cannot))
        }
        guard credentialsAllowed else {
            dependencies.metrics.login("refused")
            return .done(.no("Use STARTTLS or IMAPS before authenticating", code: .privacyRequired))
        }
        guard let initialResponse else {
            // RFC 4422 §5: PLAIN has no challenge; an empty one asks for the response.
            queue(.continuation(.challenge([])))
            mode = .authenticating(tag: tag)
            return .continued(.command)
        }
        return try await finishPlain(tag: tag, message: initialResponse, outbound)
    }

    /// The client's line after "+ ": its PLAIN message in base64, or "*" to cancel.
    mutating func continueAuthentication(tag: String, line: IMAPCommandFrame, _ outbound: Outbound) async throws -> Bool {
        mode = .commands
        let outcome: CommandOutcome
        do {
            switch try IMAPCommandParser.parseSASLContinuation(line) {
            case .cancel:
                outcome = .done(.bad("Authentication cancelled"))
            case .response(let message):
                outcome = try await finishPlain(tag: tag, message: message, outbound)
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

    private mutating func finishPlain(tag: String, message: [UInt8], _ outbound: Outbound) async throws -> CommandOutcome {
        let credentials: SASLPlainCredentials
        do {
            credentials = try SASLPlain.parseMessage(message)
        } catch {
            return .done(.bad("Malformed PLAIN message"))
        }
        // Acting as another user (authzid ≠ authcid) is not offered.
        if let authorization = credentials.authorizationIdentity, !authorization.isEmpty,
           authorization.caseInsensitiveCompare(credentials.authenticationIdentity) != .orderedSame {
            return .done(.no("Authorization identity not permitted", code: .authorizationFailed))
        }
        return try await verify(tag: tag, username: credentials.authenticationIdentity,
                                password: credentials.password, outbound)
    }

    /// Throttle, verify, enter the authenticated state.
    private mutating func verify(tag: String, username: String, password: String, _ outbound: Outbound) async throws -> CommandOutcome {
        var failureDelay = Duration.zero
        if let throttle = dependencies.throttle {
            switch await throttle.check(address: username, remote: remoteAddress) {
            case .refuse(let retryAfter):
                dependencies.metrics.login("throttled")
                logger.info("login throttled", metadata: ["imap.user": "\(username.prefix(256))", "retry.after": "\(retryAfter)"])
                return .done(.no("Too many failed logins; try again later", code: .unavailable))
            case .allow(let delay):
                failureDelay = delay
            }
        }
        guard let account = await dependencies.authenticator.authenticate(address: username, password: password) else {
            await dependencies.throttle?.recordFailure(address: username, remote: remoteAddress)
            dependencies.metrics.login("failure")
            logger.info("login failed", metadata: ["imap.user": "\(username.prefix(256))"])
            // Only failures wait; a sleeping task holds no event loop.
            if failureDelay > .zero { try? await Task.sleep(for: failureDelay) }
            authFailures += 1
            if authFailures >= configuration.maxAuthFailures {
                queue(.tagged(tag: tag, .no("Authentication failed", code: .authenticationFailed)))
                queue(.untagged(.bye(nil, "Too many failed logins")))
                return .close
            }
            return .done(.no("Authentication failed", code: .authenticationFailed))
        }
        await dependencies.throttle?.recordSuccess(address: username, remote: remoteAddress)
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
}
