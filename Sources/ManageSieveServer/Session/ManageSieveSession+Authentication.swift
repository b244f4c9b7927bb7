// AUTHENTICATE and UNAUTHENTICATE (RFC 5804 §2.1, §2.14.1) over the shared SASL layer of Auth
// (PLAIN, LOGIN, SCRAM-SHA-256), with the login throttle, failure delay and metrics as IMAP and
// POP3 have them.

import Auth
import Foundation
import MailStore
import NIOCore

extension ManageSieveSession {
    /// The shared SASL layer with this listener's authenticator and throttle.
    var sasl: SASLServer { SASLServer(authenticator: authenticator, throttle: throttle) }

    /// Whether `mechanism` may be used on this connection now: every mechanism follows the
    /// credentials policy (DESIGN.md rule 4), as in IMAP and POP3. SCRAM does not reveal the
    /// password, but its exchange still lets an eavesdropper try passwords offline, and what
    /// follows the login (the account's scripts) would travel in the clear.
    func mechanismAllowed(_ mechanism: SASLServer.Mechanism) -> Bool {
        credentialsAllowed
    }

    /// The SASL capability (RFC 5804 §1.7): the mechanisms usable now; empty before STARTTLS
    /// where the policy wants TLS, which §1.7 allows because STARTTLS is then advertised.
    // todo(rfc): RFC 5804 §2.1 "MUST implement the SCRAM-SHA-1 SASL mechanism": Facteur offers
    // SCRAM-SHA-256 (RFC 7677) in every protocol instead (issue 6); SHA-1 clients use PLAIN over TLS.
    var offeredMechanisms: [String] {
        SASLServer.Mechanism.allCases.filter(mechanismAllowed).map(\.rawValue)
    }

    mutating func authenticate(mechanism: String, initialResponse: [UInt8]?,
                               _ outbound: Outbound) async throws -> Continuation {
        // RFC 5804 §2.1: "a server MUST reject any further AUTHENTICATE commands with a NO reply".
        if case .authenticated = state { return try await clientError(.no("already authenticated"), outbound) }
        // RFC 5804 §2.1: ManageSieve has no "+" line, so the success data (SCRAM's
        // server-final-message) goes into OK (SASL …) instead of a last challenge.
        guard var exchange = sasl.makeExchange(mechanism: mechanism, remote: remoteAddress,
                                               successDataAsChallenge: false) else {
            return try await clientError(.no("unsupported SASL mechanism"), outbound)
        }
        guard mechanismAllowed(exchange.mechanism) else {
            metrics.login("refused")
            // RFC 5804 §1.3 ENCRYPT-NEEDED: site policy requires TLS first (DESIGN.md rule 4).
            return try await clientError(
                .no("credentials are only accepted over TLS; use STARTTLS first", code: .encryptNeeded), outbound)
        }
        // RFC 5804 §2.1 refuses an initial response to a mechanism that challenges first; LOGIN's
        // "Username:" is informative only and clients send the name up front (draft-murchison-sasl-login
        // §2), as IMAP and POP3 accept too.
        var decoded: [UInt8]?
        if let initialResponse {
            // RFC 5804 §2.1: an empty response is an empty string; anything else is base64.
            guard let bytes = Self.decodeBase64(initialResponse) else {
                return try await failed(.malformed("initial response is not base64"), outbound)
            }
            decoded = bytes
        }
        let step = await exchange.start(initialResponse: decoded)
        return try await carryOut(step, of: exchange, outbound)
    }

    /// The client's answer to a challenge: one string, or "*" to cancel (RFC 5804 §2.1).
    mutating func saslResponse(_ line: ManageSieveCommandLine, exchange: SASLExchange,
                               _ outbound: Outbound) async throws -> Continuation {
        state = .nonAuthenticated
        let response: [UInt8]
        do throws(ManageSieveParseError) {
            response = try ManageSieveCommandParser.parseSASLResponse(line)
        } catch {
            return try await failed(.malformed("expected one string"), outbound)
        }
        if response == [UInt8(ascii: "*")] {
            // "If the server receives such a response, it MUST reject the AUTHENTICATE command".
            try await send(.no("authentication cancelled"), outbound)
            return .next
        }
        guard let decoded = Self.decodeBase64(response) else {
            return try await failed(.malformed("response is not base64"), outbound)
        }
        var exchange = exchange
        let step = await exchange.step(decoded)
        return try await carryOut(step, of: exchange, outbound)
    }

    /// RFC 5804 §4 UNAUTHENTICATE (§2.14.1): back to the state of a fresh connection, TLS excepted.
    mutating func unauthenticate(_ outbound: Outbound) async throws -> Continuation {
        guard case .authenticated = state else { return try await clientError(.no("not authenticated"), outbound) }
        state = .nonAuthenticated
        authFailures = 0
        logger[metadataKey: "account"] = nil
        try await outbound.write(.setLiteralLimit(configuration.maxUnauthenticatedLiteralSize))
        try await outbound.write(.setAuthenticated(false))
        try await send(.ok("Unauthenticate completed"), outbound)
        return .next
    }

    /// Sends a challenge and waits for the next string, or ends the command.
    private mutating func carryOut(_ step: SASLStep, of exchange: SASLExchange,
                                   _ outbound: Outbound) async throws -> Continuation {
        switch step {
        case .challenge(let challenge):
            // "A server challenge consists of a string (quoted or literal) followed by a CRLF. The
            // contents of the string is a base-64 encoding of the SASL data."
            state = .awaitingSASLResponse(exchange)
            let base64 = Data(challenge).base64EncodedString()
            var buffer = channel.channel.allocator.buffer(capacity: base64.utf8.count + 4)
            ManageSieveString.encode(base64, into: &buffer)
            buffer.writeString("\r\n")
            try await outbound.write(.send(buffer, then: .command))
            return .next
        case .success(let account, let additionalData):
            return try await loggedIn(account, additionalData: additionalData, outbound)
        case .failure(let failure):
            state = .nonAuthenticated
            return try await failed(failure, outbound)
        }
    }

    private mutating func loggedIn(_ account: Account, additionalData: [UInt8]?,
                                   _ outbound: Outbound) async throws -> Continuation {
        state = .authenticated(account)
        hasAuthenticated = true
        // Scripts may now arrive: literals up to the script limit (set before the OK is written,
        // so a pipelined PUTSCRIPT is framed with it).
        try await outbound.write(.setLiteralLimit(configuration.maxScriptSize))
        // RFC 5804 §1.2: the 30-minute autologout applies from here; before, the shorter
        // pre-login timeout bounds an anonymous connection.
        try await outbound.write(.setAuthenticated(true))
        logger[metadataKey: "account"] = "\(account.address)"
        metrics.login("success")
        logger.info("logged in")
        // RFC 5804 §2.1: "this data MAY be placed within the data portion of the SASL response
        // code". No security layer is negotiated, so no capabilities follow (§4 response-authenticate).
        let code = additionalData.map { ManageSieveResponseCode.sasl(Data($0).base64EncodedString()) }
        try await send(.ok("Authenticated", code: code), outbound)
        return .next
    }

    /// Metrics, logs and the NO for a failed exchange; BYE after `maxAuthFailures` (RFC 5804 §2.1
    /// example). The failure delay was already waited out by the SASL layer.
    private mutating func failed(_ failure: SASLFailure, _ outbound: Outbound) async throws -> Continuation {
        let user = "\(failure.user?.prefix(256) ?? "")"
        let response: ManageSieveResponse
        switch failure {
        case .malformed(let why):
            response = .no("malformed SASL message: \(why)")
        case .authorizationDenied:
            // todo(rfc): RFC 5804 §2.1 SASL proxy authentication (authzid ≠ authcid) for administrators.
            metrics.login("failure")
            logger.info("authorization identity refused", metadata: ["managesieve.user": "\(user)"])
            response = .no("authorization identity not permitted")
        case .throttled(_, let retryAfter):
            metrics.login("throttled")
            logger.info("login throttled", metadata: ["managesieve.user": "\(user)", "retry.after": "\(retryAfter)"])
            response = .no("too many failed logins, try later", code: .tryLater)
        case .badCredentials:
            metrics.login("failure")
            logger.info("login failed", metadata: ["managesieve.user": "\(user)"])
            response = .no("authentication failed")
        }
        authFailures += 1
        if authFailures >= configuration.maxAuthFailures {
            return try await close(.bye("too many failed authentication attempts"), outbound)
        }
        try await send(response, outbound)
        return .next
    }

    /// Strict base64 of a SASL string; the empty string is empty data (RFC 5804 §2.1).
    static func decodeBase64(_ text: [UInt8]) -> [UInt8]? {
        if text.isEmpty { return [] }
        guard text.count % 4 == 0, let data = Data(base64Encoded: Data(text)) else { return nil }
        return Array(data)
    }
}
