// One connection's session task: reads frames from the framing handler, asks the state machine,
// talks to the authenticator, the lock registry and the store, writes the responses. Runs as a
// child task of the server's discarding task group, preferring the channel's event loop.
//
// Implementation notes:
// - Crosses into async once per command, never per byte; the framing handler pauses after each
//   line, so pipelined commands (RFC 2449 §6.6) are answered strictly in order.
// - Runs on the channel's event loop, except commands whose work grows with the maildrop or a
//   message (POP3Connection+EventLoop.swift).
// - The maildrop lock is taken after the password verified and released before the last
//   response is written (so a client that reconnects right after QUIT finds it free), and in
//   every other case when the connection ends.
// - Deletions reach the store only through `.commit` after QUIT (RFC 1939 §6).

import Logging
import MailStore
import Auth
import Foundation
import NIOCore

struct POP3Connection {
    typealias Outbound = NIOAsyncChannelOutboundWriter<POP3OutboundInstruction>

    let channel: NIOAsyncChannel<POP3InboundFrame, POP3OutboundInstruction>
    let store: any MailStore
    let authenticator: Authenticator
    let locks: POP3MaildropLocks
    var machine: POP3SessionStateMachine
    let connectionID: String
    var logger: Logger
    let metrics: POP3Metrics
    let chunkSize: Int
    /// Shared by every listener; nil disables throttling.
    let throttle: LoginThrottle?
    /// The peer's IP address as text ("" when unknown): the throttle's address key.
    let remoteAddress: String
    /// Unique among live connections of every listener sharing `locks` (connection ids alone
    /// repeat across two listeners of the same kind).
    private let lockOwner: String
    private var lockedAccount: AccountID?
    /// The SASL exchange waiting for the client's next response.
    private var saslExchange: SASLExchange?
    /// Small messages read ahead of the client's next RETRs (POP3Connection+Retrieve.swift).
    var readAhead = POP3ReadAhead()

    /// The shared SASL layer (Auth) with this listener's authenticator and throttle.
    private var sasl: SASLServer { SASLServer(authenticator: authenticator, throttle: throttle) }

    init(channel: NIOAsyncChannel<POP3InboundFrame, POP3OutboundInstruction>, store: any MailStore,
         authenticator: Authenticator, locks: POP3MaildropLocks, machine: POP3SessionStateMachine,
         connectionID: String, logger: Logger, metrics: POP3Metrics, chunkSize: Int,
         throttle: LoginThrottle? = nil, remoteAddress: String = "") {
        self.channel = channel
        self.store = store
        self.authenticator = authenticator
        self.locks = locks
        self.machine = machine
        self.connectionID = connectionID
        self.logger = logger
        self.metrics = metrics
        self.chunkSize = max(chunkSize, 1024)
        self.throttle = throttle
        self.remoteAddress = remoteAddress
        self.lockOwner = "\(connectionID) \(ObjectIdentifier(channel.channel))"
    }

    mutating func run() async {
        metrics.connections.increment()
        logger.debug("connection opened")
        do {
            try await channel.executeThenClose { inbound, outbound in
                try await send(machine.greeting, then: .command, outbound)
                for try await frame in inbound {
                    guard try await handle(frame, outbound) else { break }
                }
            }
        } catch {
            logger.debug("connection ended with error", metadata: ["error": "\(error)"])
        }
        // A dropped connection or a timeout: nothing was committed; just free the maildrop.
        await releaseLock()
        logger.debug("connection closed")
    }

    /// Reacts to one frame; false once the connection is to be closed.
    private mutating func handle(_ frame: POP3InboundFrame, _ outbound: Outbound) async throws -> Bool {
        switch frame {
        case .line(let bytes):
            let start = ContinuousClock.now
            let keyword: String
            let action: POP3SessionStateMachine.Action
            if machine.expectsSASLResponse {
                logger.trace("C: <SASL response redacted>")
                keyword = "AUTH"
                action = machine.saslResponse(bytes)
            } else {
                let parsed: Result<POP3Command, POP3CommandError>
                do throws(POP3CommandError) {
                    parsed = .success(try POP3CommandParser.parse(bytes))
                } catch {
                    parsed = .failure(error)
                }
                trace(bytes, parsed: parsed)
                keyword = (try? parsed.get().keyword) ?? "unknown"
                countRefusedLogin(parsed)
                if case .success(let command) = parsed, Self.leavesEventLoop(command, maildrop: machine.maildrop) {
                    // Work in proportion to the maildrop or a message (POP3Connection+EventLoop.swift):
                    // the loop's other connections go on meanwhile; the session is back on it after.
                    let keepOpen = try await withTaskExecutorPreference(globalConcurrentExecutor) {
                        try await perform(machine.command(parsed), outbound)
                    }
                    metrics.command(keyword, duration: ContinuousClock.now - start)
                    return keepOpen
                }
                action = machine.command(parsed)
            }
            let keepOpen = try await perform(action, outbound)
            metrics.command(keyword, duration: ContinuousClock.now - start)
            return keepOpen
        case .lineTooLong:
            logger.trace("C: <line too long, dropped>")
            return try await perform(machine.lineTooLong(), outbound)
        case .timedOut:
            logger.debug("client timed out; closing without committing")
            return try await perform(machine.timedOut(), outbound)
        case .shutdown:
            return try await perform(machine.shutdown(), outbound)
        }
    }

    /// Carries out an action, following the store's answers until something must be written.
    private mutating func perform(_ first: POP3SessionStateMachine.Action, _ outbound: Outbound) async throws -> Bool {
        var action = first
        while true {
            switch action {
            case .reply(let response):
                try await send(response, then: .command, outbound)
                return true
            case .replyAndClose(let response):
                await releaseLock()
                try await send(response, then: .close, outbound)
                // The framing handler closes once the response is flushed; wait for that.
                try? await channel.channel.closeFuture.get()
                return false
            case .saslContinue(let challenge):
                // RFC 5034 §4: "+" SP and the base64 challenge (nothing after the space when empty).
                logger.trace("S: + <challenge>")
                let line = "+ " + Data(challenge).base64EncodedString() + "\r\n"
                try await outbound.write(.send(ByteBuffer(string: line), then: .saslResponse))
                return true
            case .saslStart(let mechanism, let initialResponse):
                if var exchange = sasl.makeExchange(mechanism: mechanism, remote: remoteAddress) {
                    let step = await exchange.start(initialResponse: initialResponse)
                    action = await carryOut(step, of: exchange)
                } else {
                    action = machine.loginFinished(.malformed)
                }
            case .saslStep(let response):
                if var exchange = saslExchange {
                    saslExchange = nil
                    let step = await exchange.step(response)
                    action = await carryOut(step, of: exchange)
                } else {
                    action = machine.loginFinished(.malformed)
                }
            case .startTLS(let response):
                try await send(response, then: .startTLS, outbound)
                logger.debug("starting TLS")
                return true
            case .authenticate(let credentials):
                action = machine.loginFinished(await login(credentials))
            case .retrieve(let entry, let bodyLines):
                try await retrieve(entry, bodyLines: bodyLines, outbound)
                return true
            case .commit(let mailboxID, let uids):
                do {
                    let removed = try await store.expunge(mailboxID: mailboxID, uids: uids)
                    // Messages an IMAP session expunged meanwhile are simply not there any more.
                    logger.info("maildrop updated", metadata: ["pop3.deleted": "\(removed.count)"])
                    action = machine.committed(succeeded: true)
                } catch {
                    logger.error("expunge at QUIT failed", metadata: ["error": "\(error)"])
                    action = machine.committed(succeeded: false)
                }
            }
        }
    }

    /// USER/PASS: throttle and verify through the SASL layer, then lock and snapshot.
    private mutating func login(_ credentials: POP3Credentials) async -> POP3SessionStateMachine.LoginOutcome {
        switch await sasl.verifyPassword(user: credentials.user, password: credentials.password, remote: remoteAddress) {
        case .success(let account): return await openMaildrop(account)
        case .badCredentials: return failed(.badCredentials(user: credentials.user))
        case .throttled(let retryAfter): return failed(.throttled(user: credentials.user, retryAfter: retryAfter))
        }
    }

    /// Turns one SASL step into the machine's next action.
    private mutating func carryOut(_ step: SASLStep, of exchange: SASLExchange) async -> POP3SessionStateMachine.Action {
        switch step {
        case .challenge(let challenge):
            saslExchange = exchange
            return machine.saslChallenge(challenge)
        case .success(let account, _):
            return machine.loginFinished(await openMaildrop(account))
        case .failure(let failure):
            return machine.loginFinished(failed(failure))
        }
    }

    /// Metrics and logs of a failed login; the failure delay was already waited out by the SASL layer.
    private func failed(_ failure: SASLFailure) -> POP3SessionStateMachine.LoginOutcome {
        let user = "\(failure.user?.prefix(256) ?? "")"
        switch failure {
        case .malformed:
            return .malformed
        case .authorizationDenied:
            metrics.login("failure")
            logger.info("authorization identity refused", metadata: ["pop3.user": "\(user)"])
            return .authorizationDenied
        case .throttled(_, let retryAfter):
            metrics.login("throttled")
            logger.info("login throttled", metadata: ["pop3.user": "\(user)", "retry.after": "\(retryAfter)"])
            return .throttled
        case .badCredentials:
            metrics.login("failure")
            logger.info("login failed", metadata: ["pop3.user": "\(user)"])
            return .badCredentials
        }
    }

    /// Lock and snapshot. The lock is taken only for a verified account, and released again if
    /// the snapshot fails.
    private mutating func openMaildrop(_ account: Account) async -> POP3SessionStateMachine.LoginOutcome {
        guard await locks.acquire(account.id, owner: lockOwner) else {
            metrics.login("in_use")
            logger.info("maildrop in use", metadata: ["account": "\(account.address)"])
            return .inUse
        }
        do {
            guard let inbox = try await store.mailbox(accountID: account.id, name: "INBOX") else {
                throw StoreError.notFound("INBOX of account \(account.id)")
            }
            let messages = try await store.messages(mailboxID: inbox.id)
            lockedAccount = account.id
            channel.channel.triggerUserOutboundEvent(POP3LoggedInEvent(), promise: nil)
            logger[metadataKey: "account"] = "\(account.address)"
            metrics.login("success")
            logger.info("logged in", metadata: ["pop3.messages": "\(messages.count)"])
            return .success(POP3Maildrop(mailbox: inbox, messages: messages))
        } catch {
            await locks.release(account.id, owner: lockOwner)
            metrics.login("error")
            logger.error("cannot open maildrop", metadata: ["account": "\(account.address)", "error": "\(error)"])
            return .storeFailure
        }
    }

    private mutating func releaseLock() async {
        guard let accountID = lockedAccount else { return }
        lockedAccount = nil
        await locks.release(accountID, owner: lockOwner)
    }

    func send(_ response: POP3Response, then next: POP3OutboundInstruction.Next, _ outbound: Outbound) async throws {
        if logger.logLevel <= .trace { logger.trace("S: \(response)") }
        var buffer = channel.channel.allocator.buffer(capacity: 64)
        response.encode(into: &buffer)
        if next == .command {
            try await finishCommand(buffer, outbound)
        } else {
            try await outbound.write(.send(buffer, then: next))
        }
    }

    /// Writes the last bytes of a command's answer and reads the next command. With them goes
    /// the table of RETR answers the framing handler may send by itself until the next line
    /// reaches the session: the read-ahead messages still live now (POP3PreparedAnswers.swift).
    /// Not while tracing, so that every command is still traced here. `preceding` (`.more`
    /// sends of the same answer) goes out first, in the same hand-over to the event loop.
    func finishCommand(_ bytes: ByteBuffer, after preceding: [POP3OutboundInstruction] = [],
                       _ outbound: Outbound) async throws {
        var instructions = preceding
        if logger.logLevel > .trace, let maildrop = machine.maildrop {
            let answers = readAhead.answers(in: maildrop)
            if !answers.isEmpty { instructions.append(.offer(answers)) }
        }
        instructions.append(.send(bytes, then: .command))
        if instructions.count == 1 {
            try await outbound.write(instructions[0])
        } else {
            try await outbound.write(contentsOf: instructions)
        }
    }

    /// Logins refused for lack of TLS are counted apart from bad passwords.
    private func countRefusedLogin(_ parsed: Result<POP3Command, POP3CommandError>) {
        guard !machine.credentialsAllowed, !machine.isInTransaction else { return }
        switch parsed {
        case .success(.pass), .success(.auth(.some, _)): metrics.login("refused")
        default: break
        }
    }

    /// Protocol trace; passwords and SASL data are never logged (STYLE.md).
    private func trace(_ bytes: [UInt8], parsed: Result<POP3Command, POP3CommandError>) {
        guard logger.logLevel <= .trace else { return }
        switch parsed {
        case .success(.pass): logger.trace("C: PASS <redacted>")
        case .success(.auth(let mechanism?, _)): logger.trace("C: AUTH \(mechanism) <redacted>")
        case .failure where bytes.count >= 4 && String(decoding: bytes.prefix(4), as: UTF8.self).uppercased() == "PASS":
            logger.trace("C: PASS <redacted, malformed>")
        default: logger.trace("C: \(String(decoding: bytes.prefix(200), as: UTF8.self))")
        }
    }
}
