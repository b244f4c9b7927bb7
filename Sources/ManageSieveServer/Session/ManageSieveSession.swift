// One connection's session task: reads frames from the framing handler, parses commands, talks to
// the authenticator and the store, writes the responses. Runs as a child task of the listener's
// discarding task group.
//
// Implementation notes:
// - Crosses into async once per command; the framing handler pauses after each, so pipelined
//   commands are answered strictly in order.
// - A session only ever touches the scripts of the account it authenticated as (DESIGN.md rule 3).
// - Every store write is durable before its OK (DESIGN.md rule 1): the store commits first.
// - Passwords and SASL data are never logged.

import Auth
import Logging
import MailStore
import NIOCore
import Sieve

struct ManageSieveSession {
    typealias Channel = NIOAsyncChannel<ManageSieveInboundFrame, ManageSieveOutboundInstruction>
    typealias Outbound = NIOAsyncChannelOutboundWriter<ManageSieveOutboundInstruction>

    enum State {
        case nonAuthenticated
        /// AUTHENTICATE sent a challenge; the next command line is the client's response.
        case awaitingSASLResponse(SASLExchange)
        case authenticated(Account)
    }

    /// Whether the loop goes on after a command.
    enum Continuation { case next, close }

    let channel: Channel
    let configuration: ManageSieveServer.Configuration
    let store: any MailStore
    let authenticator: Authenticator
    let metrics: ManageSieveMetrics
    let throttle: LoginThrottle?
    let remoteAddress: String
    var logger: Logger
    var state: State = .nonAuthenticated
    var tlsActive = false
    var errors = 0
    var authFailures = 0
    /// An AUTHENTICATE has succeeded on this connection (UNAUTHENTICATE does not undo it): RFC 5804
    /// §1.7 STARTTLS "SHOULD NOT be advertised once STARTTLS or AUTHENTICATE command completes".
    var hasAuthenticated = false

    init(channel: Channel, dependencies: ManageSieveServer.SessionDependencies, logger: Logger, remoteAddress: String) {
        self.channel = channel
        self.configuration = dependencies.configuration
        self.store = dependencies.store
        self.authenticator = dependencies.authenticator
        self.metrics = dependencies.metrics
        self.throttle = dependencies.throttle
        self.remoteAddress = remoteAddress
        self.logger = logger
    }

    mutating func run() async {
        metrics.connections.increment()
        logger.debug("connection opened")
        do {
            try await channel.executeThenClose { inbound, outbound in
                // RFC 5804 §1.7: capabilities are sent automatically upon connection.
                try await sendCapabilities(then: .ok("\(configuration.hostname) Facteur ManageSieve ready"), outbound)
                for try await frame in inbound {
                    guard try await handle(frame, outbound) == .next else { break }
                }
            }
        } catch {
            logger.debug("connection ended with error", metadata: ["error": "\(error)"])
        }
        logger.debug("connection closed")
    }

    /// Reacts to one frame.
    private mutating func handle(_ frame: ManageSieveInboundFrame, _ outbound: Outbound) async throws -> Continuation {
        switch frame {
        case .command(let line):
            if case .awaitingSASLResponse(let exchange) = state {
                logger.trace("C: <SASL response redacted>")
                let start = ContinuousClock.now
                let result = try await saslResponse(line, exchange: exchange, outbound)
                metrics.command("AUTHENTICATE", duration: ContinuousClock.now - start)
                return result
            }
            let command: ManageSieveCommand
            do throws(ManageSieveParseError) {
                command = try ManageSieveCommandParser.parse(line)
            } catch {
                logger.trace("C: <unparsable command>", metadata: ["error": "\(error.message)"])
                return try await clientError(.no(error.message), outbound)
            }
            trace(command)
            let start = ContinuousClock.now
            let result = try await perform(command, outbound)
            metrics.command(command.keyword, duration: ContinuousClock.now - start)
            return result
        case .rejected(let error):
            if case .awaitingSASLResponse = state { state = .nonAuthenticated }
            switch error {
            case .literalTooLarge(let size):
                logger.debug("literal too large", metadata: ["managesieve.literal": "\(size)"])
                guard case .authenticated = state else {
                    return try await clientError(.no(
                        "string larger than \(configuration.maxUnauthenticatedLiteralSize) octets before authentication"),
                        outbound)
                }
                return try await clientError(
                    .no("string larger than \(configuration.maxScriptSize) octets", code: .quotaMaxSize), outbound)
            case .tooManyLiterals:
                return try await clientError(.no("too many literals in one command"), outbound)
            case .lineTooLong:
                return try await close(.bye("command line too long"), outbound)
            case .invalidLiteralLength:
                return try await close(.bye("invalid literal length"), outbound)
            }
        case .timedOut:
            logger.debug("client timed out")
            return try await close(.bye("inactivity timeout"), outbound)
        case .shutdown:
            return try await close(.bye("server shutting down", code: .tryLater), outbound)
        }
    }

    /// Dispatches one parsed command by state (RFC 5804 §2: before authentication only
    /// AUTHENTICATE, CAPABILITY, STARTTLS, LOGOUT and NOOP are valid).
    private mutating func perform(_ command: ManageSieveCommand, _ outbound: Outbound) async throws -> Continuation {
        switch command {
        case .capability:
            try await sendCapabilities(then: .ok("CAPABILITY completed"), outbound)
            return .next
        case .noop(let tag):
            // RFC 5804 §2.13: TAG only when a string was given.
            let response = tag.map { ManageSieveResponse.ok("Done", code: .tag($0)) } ?? ManageSieveResponse.ok("NOOP completed")
            try await send(response, outbound)
            return .next
        case .logout:
            // RFC 5804 §2.3: OK, then close; later commands are ignored.
            return try await close(.ok("Logout completed"), outbound)
        case .startTLS:
            return try await startTLS(outbound)
        case .authenticate(let mechanism, let initialResponse):
            return try await authenticate(mechanism: mechanism, initialResponse: initialResponse, outbound)
        case .unauthenticate:
            return try await unauthenticate(outbound)
        case .haveSpace, .putScript, .listScripts, .setActive, .getScript, .deleteScript, .renameScript,
             .checkScript:
            guard case .authenticated(let account) = state else {
                return try await clientError(.no("authenticate first"), outbound)
            }
            try await performScriptCommand(command, account: account, outbound)
            return .next
        }
    }

    /// RFC 5804 §2.2: OK, TLS, then the capabilities again (without STARTTLS).
    private mutating func startTLS(_ outbound: Outbound) async throws -> Continuation {
        if hasAuthenticated { return try await clientError(.no("STARTTLS is only valid before AUTHENTICATE"), outbound) }
        if tlsActive { return try await clientError(.no("TLS already active"), outbound) }
        guard configuration.tlsContext != nil else { return try await clientError(.no("STARTTLS not available"), outbound) }
        try await send(.ok("Begin TLS negotiation now"), then: .startTLS, outbound)
        tlsActive = true
        logger.debug("starting TLS")
        try await sendCapabilities(then: .ok("TLS negotiation successful"), outbound)
        return .next
    }

    // MARK: Writing

    var capabilities: ManageSieveCapabilities {
        var owner: String?
        if case .authenticated(let account) = state { owner = account.address }
        let startTLS = !tlsActive && !hasAuthenticated && configuration.tlsContext != nil
        // RFC 5804 §1.7: the SASL list "can be empty if and only if STARTTLS is also advertised":
        // it is empty only while the policy waits for TLS, before STARTTLS.
        return ManageSieveCapabilities(
            implementation: "Facteur ManageSieve",
            saslMechanisms: offeredMechanisms,
            sieveExtensions: SieveExtension.capabilityString(configuration.compilerOptions.extensions),
            startTLS: startTLS,
            maxRedirects: configuration.compilerOptions.limits.maximumRedirects,
            owner: owner)
    }

    /// DESIGN.md rule 4 through the listener's policy.
    var credentialsAllowed: Bool { configuration.allowPlaintextAuth(remoteAddress, tlsActive) }

    func sendCapabilities(then response: ManageSieveResponse, _ outbound: Outbound) async throws {
        var buffer = channel.channel.allocator.buffer(capacity: 512)
        capabilities.encode(into: &buffer)
        response.encode(into: &buffer)
        if logger.logLevel <= .trace { logger.trace("S: <capabilities> \(response)") }
        try await outbound.write(.send(buffer, then: .command))
    }

    func send(_ response: ManageSieveResponse, then next: ManageSieveOutboundInstruction.Next = .command,
              _ outbound: Outbound) async throws {
        if logger.logLevel <= .trace { logger.trace("S: \(response)") }
        var buffer = channel.channel.allocator.buffer(capacity: 64)
        response.encode(into: &buffer)
        try await outbound.write(.send(buffer, then: next))
    }

    /// Data lines (already encoded) followed by a completion response, in one write.
    func send(data: ByteBuffer, then response: ManageSieveResponse, _ outbound: Outbound) async throws {
        var buffer = data
        response.encode(into: &buffer)
        if logger.logLevel <= .trace { logger.trace("S: <\(data.readableBytes) octets of data> \(response)") }
        try await outbound.write(.send(buffer, then: .command))
    }

    /// Says goodbye and waits for the framing handler to close the connection.
    func close(_ response: ManageSieveResponse, _ outbound: Outbound) async throws -> Continuation {
        try await send(response, then: .close, outbound)
        try? await channel.channel.closeFuture.get()
        return .close
    }

    /// A client mistake: NO, or BYE once there have been too many.
    mutating func clientError(_ response: ManageSieveResponse, _ outbound: Outbound) async throws -> Continuation {
        errors += 1
        if errors >= configuration.maxErrors { return try await close(.bye("too many errors"), outbound) }
        try await send(response, outbound)
        return .next
    }

    /// Protocol trace; script bodies and SASL data are never logged (STYLE.md).
    private func trace(_ command: ManageSieveCommand) {
        guard logger.logLevel <= .trace else { return }
        switch command {
        case .authenticate(let mechanism, let initial):
            logger.trace("C: AUTHENTICATE \(mechanism)\(initial == nil ? "" : " <redacted>")")
        case .putScript(let name, let content):
            logger.trace("C: PUTSCRIPT \(name.prefix(128)) <\(content.count) octets>")
        case .checkScript(let content):
            logger.trace("C: CHECKSCRIPT <\(content.count) octets>")
        default:
            logger.trace("C: \(command.keyword)")
        }
    }
}
