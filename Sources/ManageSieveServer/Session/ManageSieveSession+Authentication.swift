// AUTHENTICATE (RFC 5804 §2.1): mechanism choice, the challenge/response loop, and the login
// itself through LoginThrottle and Authenticator, as POP3 and IMAP do.

import Auth
import MailStore
import NIOCore

extension ManageSieveSession {
    mutating func authenticate(mechanism: String, initialResponse: [UInt8]?,
                               _ outbound: Outbound) async throws -> Continuation {
        // RFC 5804 §2.1: "a server MUST reject any further AUTHENTICATE commands with a NO reply".
        if case .authenticated = state { return try await clientError(.no("already authenticated"), outbound) }
        guard var exchange = ManageSieveSASLExchange(mechanism: mechanism) else {
            return try await clientError(.no("unsupported SASL mechanism"), outbound)
        }
        guard credentialsAllowed else {
            metrics.login("refused")
            // RFC 5804 §1.3 ENCRYPT-NEEDED: site policy requires TLS first (DESIGN.md rule 4).
            return try await clientError(
                .no("credentials are only accepted over TLS; use STARTTLS first", code: .encryptNeeded), outbound)
        }
        let step = exchange.start(initialResponse: initialResponse)
        return try await advance(step, exchange: exchange, outbound)
    }

    /// The client's answer to a challenge: one string, or "*" to cancel (RFC 5804 §2.1).
    mutating func saslResponse(_ line: ManageSieveCommandLine, exchange: ManageSieveSASLExchange,
                               _ outbound: Outbound) async throws -> Continuation {
        state = .nonAuthenticated
        let response: [UInt8]
        do throws(ManageSieveParseError) {
            response = try ManageSieveCommandParser.parseSASLResponse(line)
        } catch {
            return try await authenticationFailed(.no("malformed SASL response"), outbound)
        }
        if response == [UInt8(ascii: "*")] {
            // "If the server receives such a response, it MUST reject the AUTHENTICATE command".
            try await send(.no("authentication cancelled"), outbound)
            return .next
        }
        var exchange = exchange
        let step = exchange.step(response)
        return try await advance(step, exchange: exchange, outbound)
    }

    private mutating func advance(_ step: ManageSieveSASLExchange.Step, exchange: ManageSieveSASLExchange,
                                  _ outbound: Outbound) async throws -> Continuation {
        switch step {
        case .challenge(let base64):
            // "A server challenge consists of a string (quoted or literal) followed by a CRLF."
            state = .awaitingSASLResponse(exchange)
            var buffer = channel.channel.allocator.buffer(capacity: base64.utf8.count + 4)
            ManageSieveString.encode(base64, into: &buffer)
            buffer.writeString("\r\n")
            try await outbound.write(.send(buffer, then: .command))
            return .next
        case .failed(let message):
            state = .nonAuthenticated
            return try await authenticationFailed(.no(message), outbound)
        case .credentials(let user, let password):
            state = .nonAuthenticated
            return try await login(user: user, password: password, outbound)
        }
    }

    private mutating func login(user: String, password: String, _ outbound: Outbound) async throws -> Continuation {
        var failureDelay = Duration.zero
        if let throttle {
            switch await throttle.check(address: user, remote: remoteAddress) {
            case .refuse(let retryAfter):
                metrics.login("throttled")
                logger.info("login throttled", metadata: ["managesieve.user": "\(user.prefix(256))",
                                                          "retry.after": "\(retryAfter)"])
                return try await authenticationFailed(.no("too many failed logins, try later", code: .tryLater), outbound)
            case .allow(let delay):
                failureDelay = delay
            }
        }
        guard let account = await authenticator.authenticate(address: user, password: password) else {
            await throttle?.recordFailure(address: user, remote: remoteAddress)
            metrics.login("failure")
            logger.info("login failed", metadata: ["managesieve.user": "\(user.prefix(256))"])
            // Only failures wait; a sleeping task holds no event loop.
            if failureDelay > .zero { try? await Task.sleep(for: failureDelay) }
            return try await authenticationFailed(.no("authentication failed"), outbound)
        }
        await throttle?.recordSuccess(address: user, remote: remoteAddress)
        state = .authenticated(account)
        // Scripts may now arrive: literals up to the script limit (set before the OK is written,
        // so a pipelined PUTSCRIPT is framed with it).
        try await outbound.write(.setLiteralLimit(configuration.maxScriptSize))
        logger[metadataKey: "account"] = "\(account.address)"
        metrics.login("success")
        logger.info("logged in")
        // No SASL security layer is negotiated, so no capabilities follow (RFC 5804 §4
        // response-authenticate).
        try await send(.ok("Authenticated"), outbound)
        return .next
    }

    /// RFC 5804 §2.1 example: BYE after too many failed attempts.
    private mutating func authenticationFailed(_ response: ManageSieveResponse,
                                               _ outbound: Outbound) async throws -> Continuation {
        authFailures += 1
        if authFailures >= configuration.maxAuthFailures {
            return try await close(.bye("too many failed authentication attempts"), outbound)
        }
        try await send(response, outbound)
        return .next
    }
}
