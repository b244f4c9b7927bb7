// One IMAP connection's session: handles the frames of the framing handler (handed over by
// `IMAPSessionDriver`), keeps the session state (RFC 9051 §3), runs each command against the store
// and writes the responses.
//
// Implementation notes:
// - One command at a time: the framing handler pauses after every frame, so pipelined commands
//   are answered strictly in order and the session needs no lock.
// - Crosses into async once per command (or literal chunk), never per byte. The session's task
//   runs on its channel's event loop; long commands leave it while they run
//   (IMAPSession+EventLoop.swift).
// - Session updates (RFC 9051 §7): after each command in the selected state the session compares
//   the change hub's generation for its mailbox with the one it last saw, and only then asks the
//   store what changed; not even then when the announced changes are all its own writes
//   (`OwnChangeLedger`). EXPUNGE is held back while FETCH, STORE or SEARCH by sequence number run
//   (§7.5.1).
// - Mailbox names are looked up in the logged-in account only; there is no syntax that reaches
//   another account (DESIGN.md rule 3).

import Auth
import Logging
import MailStore
import NIOCore

struct IMAPSession {
    typealias Outbound = IMAPOutboundWriter
    typealias Connection = IMAPConnection

    /// What the session shares with every other session of its listener.
    struct Dependencies: Sendable {
        let configuration: IMAPServer.Configuration
        let store: any MailStore
        let authenticator: Authenticator
        let hub: IMAPChangeHub
        let logger: Logger
        let metrics: IMAPMetrics
        let throttle: LoginThrottle?
    }

    /// RFC 9051 §3.
    enum State {
        case notAuthenticated
        case authenticated(Account)
        case selected(Account, SelectedMailbox)
        case logout
    }

    /// What the next client line means.
    enum Mode: Equatable {
        case commands
        /// IDLE is running: the next line must be DONE (RFC 2177 §3).
        case idling(tag: String)
        /// AUTHENTICATE sent "+ challenge": the next line is the SASL response (RFC 9051 §6.2.2),
        /// for `saslExchange`.
        case authenticating(tag: String)
    }

    let connection: Connection
    let dependencies: Dependencies
    let connectionID: String
    let remoteAddress: String
    var logger: Logger
    var state: State = .notAuthenticated
    var mode: Mode = .commands
    var tlsActive: Bool
    /// COMPRESS=DEFLATE is on (RFC 4978): a second COMPRESS is refused.
    var compressionActive = false
    /// After `ENABLE IMAP4rev2` (RFC 9051 §6.3.1): UTF-8 names, ESEARCH answers, no RECENT.
    var rev2Enabled = false
    /// RFC 7162 §3.1: after a CONDSTORE enabling command every untagged FETCH carries MODSEQ and
    /// SELECT/EXAMINE report HIGHESTMODSEQ, until the connection closes.
    var condStoreEnabled = false
    /// RFC 7162 §3.2.3: after `ENABLE QRESYNC`, VANISHED replaces EXPUNGE and FETCH carries UID.
    var qresyncEnabled = false
    var authFailures = 0
    /// The SASL exchange waiting for the client's next response (mode `.authenticating`).
    var saslExchange: SASLExchange?
    var consecutiveErrors = 0
    /// Octets of the literals the framer streamed for the APPEND in progress, by ordinal.
    var streamedLiterals: [[UInt8]] = []
    var keepStreamedLiteral = false
    /// SEARCHRES `$` (RFC 5182): the UIDs of the last SEARCH ... RETURN (SAVE).
    var savedSearch: [UInt32]?
    /// Recent SORT ... ALL orders of the selected mailbox (issue 8).
    var sortCache = IMAPSortCache()
    /// Set by a command that added messages to the selected mailbox itself (APPEND, COPY into
    /// it): its updates are read from the store at once rather than when the change hub has
    /// caught up, so the EXISTS comes before the tagged OK (RFC 9051 §6.3.12).
    var selectedMailboxGrew = false
    /// The mailbox an APPEND's first literal named, looked up before "+" was sent (§6.3.12); the
    /// APPEND command itself uses it, and every command ends with it cleared.
    var appendTarget: (name: String, mailbox: Mailbox)?
    /// What NOTIFY asked for (RFC 5465); nil before the first NOTIFY SET and after NOTIFY NONE.
    var notify: IMAPNotifyState?
    /// Untagged responses of the command in progress, written with its completion (or earlier
    /// when it grows past `flushThreshold`).
    var pending: ByteBuffer

    static let flushThreshold = 65_536
    /// FETCH writes its responses in pieces of this size (a write, or for a FETCH run off the
    /// event loop one hop to it, per piece).
    static let fetchFlushThreshold = 256 * 1024

    var configuration: IMAPServer.Configuration { dependencies.configuration }
    var store: any MailStore { dependencies.store }

    init(connection: Connection, dependencies: Dependencies, connectionNumber: Int) {
        let configuration = dependencies.configuration
        self.connection = connection
        self.dependencies = dependencies
        self.connectionID = "\(configuration.listenerName)-\(connectionNumber)"
        self.remoteAddress = connection.channel.remoteAddress?.ipAddress ?? ""
        var logger = dependencies.logger
        logger[metadataKey: "connection.id"] = "\(connectionID)"
        logger[metadataKey: "remote.address"] = "\(remoteAddress.isEmpty ? "unknown" : remoteAddress)"
        self.logger = logger
        self.tlsActive = configuration.implicitTLS && configuration.tlsContext != nil
        self.pending = ByteBuffer()
    }

    var encoder: IMAPResponseEncoder {
        IMAPResponseEncoder(options: rev2Enabled ? .utf8 : .imap4rev1)
    }

    var parserOptions: IMAPCommandParser.Options {
        IMAPCommandParser.Options(mailboxEncoding: rev2Enabled ? .utf8 : .modifiedUTF7,
                                  limits: configuration.grammarLimits)
    }

    /// Credentials may be sent now (DESIGN.md rule 4).
    var credentialsAllowed: Bool {
        configuration.allowPlaintextAuth(remoteAddress, tlsActive)
    }

    var account: Account? {
        switch state {
        case .authenticated(let account), .selected(let account, _): return account
        case .notAuthenticated, .logout: return nil
        }
    }

    var selected: SelectedMailbox? {
        if case .selected(_, let selected) = state { return selected }
        return nil
    }

    // MARK: The loop

    /// Counts the connection and greets the client; false when the client is already gone.
    /// `IMAPSessionDriver` then hands it the frames one by one (`handle`) and calls `finish`.
    mutating func greet(_ outbound: Outbound) async -> Bool {
        dependencies.metrics.connections.increment()
        logger.debug("connection opened")
        do {
            try await outbound.write(.setAutologout(configuration.preLoginTimeout))
            // RFC 9051 §7.1.1: the greeting carries the capabilities, saving a round trip.
            queue(.untagged(.state(.ok("\(configuration.hostname) Facteur IMAP ready",
                                       code: .capability(capabilities)))))
            try await flush(then: .command, outbound)
            return true
        } catch {
            logger.debug("connection ended with error", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// The connection has closed: the change hub forgets it.
    func finish() {
        if let selected { dependencies.hub.unwatch(selected.mailbox.id, channel: connection.channel) }
        if notify != nil, let account { dependencies.hub.unwatchAccount(account.id, channel: connection.channel) }
        logger.debug("connection closed")
    }

    /// Reacts to one frame; false once the connection is to be closed.
    mutating func handle(_ frame: IMAPInboundFrame, _ outbound: Outbound) async throws -> Bool {
        switch frame {
        case .framing(.command(let commandFrame)):
            switch mode {
            case .idling(let tag):
                return try await endIdle(tag: tag, line: commandFrame, outbound)
            case .authenticating(let tag):
                return try await continueAuthentication(tag: tag, line: commandFrame, outbound)
            case .commands:
                return try await execute(commandFrame, outbound)
            }
        case .framing(.continuationRequest(let announcement)):
            return try await answerLiteral(announcement, outbound)
        case .framing(.streamedLiteralStart(let announcement)):
            keepStreamedLiteral = account != nil
            streamedLiterals.append([])
            // Reserve only what a honest client is about to send soon: a client that announces 50 MB
            // and then stalls must not hold 50 MB.
            if keepStreamedLiteral { streamedLiterals[streamedLiterals.count - 1].reserveCapacity(Int(min(announcement.octets, 1 << 20))) }
            try await outbound.write(.send(ByteBuffer(), then: .command))
            return true
        case .framing(.streamedLiteralBytes(var chunk)):
            if keepStreamedLiteral, !streamedLiterals.isEmpty, let bytes = chunk.readBytes(length: chunk.readableBytes) {
                streamedLiterals[streamedLiterals.count - 1].append(contentsOf: bytes)
            }
            try await outbound.write(.send(ByteBuffer(), then: .command))
            return true
        case .framing(.streamedLiteralEnd):
            try await outbound.write(.send(ByteBuffer(), then: .command))
            return true
        case .framing(.rejected(let error)):
            logger.info("command rejected by the framer", metadata: ["error": "\(error)"])
            streamedLiterals = []
            appendTarget = nil
            queue(error.response)
            return try await completeWithError(outbound)
        case .mailboxChanged:
            guard case .idling = mode else {
                if notify != nil { try await reportChanges(idling: false, outbound) }
                try await flush(then: .command, outbound)
                return true
            }
            try await reportChanges(idling: true, outbound)
            try await flush(then: .idle, outbound)
            return true
        case .timedOut:
            logger.debug("autologout")
            queue(.untagged(.bye(nil, "Autologout; idle for too long")))
            return try await close(outbound)
        case .shutdown:
            queue(.untagged(.bye(.unavailable, "Server shutting down")))
            return try await close(outbound)
        }
    }

    /// Parses and runs one command, then writes its updates and completion.
    private mutating func execute(_ frame: IMAPCommandFrame, _ outbound: Outbound) async throws -> Bool {
        let command: IMAPCommand
        do {
            command = try IMAPCommandParser.parse(frame, options: parserOptions)
        } catch {
            streamedLiterals = []
            appendTarget = nil
            logger.debug("unparsable command", metadata: ["error": "\(error)"])
            queue(error.response)
            return try await completeWithError(outbound)
        }
        trace(command)
        let start = ContinuousClock.now
        let name = Self.metricName(command.kind)
        let outcome: CommandOutcome
        do {
            if Self.leavesEventLoop(command.kind, selected: selected, saved: savedSearch) {
                // Long work (IMAPSession+EventLoop.swift): the other connections of this event
                // loop keep being served meanwhile; the session is back on the loop afterwards.
                outcome = try await withTaskExecutorPreference(globalConcurrentExecutor) {
                    try await run(command, outbound)
                }
            } else {
                outcome = try await run(command, outbound)
            }
        } catch let error as StoreError {
            outcome = .done(storeFailure(error, command: name))
        }
        streamedLiterals = []
        appendTarget = nil
        var result = "ok"
        switch outcome {
        case .done(let status):
            if status.kind == .ok, case .selected = state {
                try await queueUpdates(allowExpunge: Self.allowsExpunge(command.kind), force: selectedMailboxGrew)
            }
            selectedMailboxGrew = false
            if status.kind == .ok { try await notifyAfterCommand(command.kind, outbound) }
            result = Self.metricResult(status.kind)
            queue(.tagged(tag: command.tag, status))
            consecutiveErrors = status.kind == .bad ? consecutiveErrors + 1 : 0
            dependencies.metrics.command(name, result: result, duration: ContinuousClock.now - start)
            if consecutiveErrors >= configuration.maxErrors {
                queue(.untagged(.bye(nil, "Too many errors")))
                return try await close(outbound)
            }
            try await flush(then: .command, outbound)
            return true
        case .continued(let next):
            // The command wrote its own responses (IDLE "+", AUTHENTICATE "+", STARTTLS).
            dependencies.metrics.command(name, result: result, duration: ContinuousClock.now - start)
            try await flush(then: next, outbound)
            return true
        case .close:
            dependencies.metrics.command(name, result: result, duration: ContinuousClock.now - start)
            return try await close(outbound)
        }
    }

    /// The `result` dimension of a completed command; constant strings, so counting a command
    /// allocates nothing (issue 8).
    static func metricResult(_ kind: IMAPStatusResponse.Kind) -> String {
        switch kind {
        case .ok: return "ok"
        case .no: return "no"
        case .bad: return "bad"
        }
    }

    /// How a command ended.
    enum CommandOutcome {
        /// Completed with this tagged status (updates are added before it).
        case done(IMAPStatusResponse)
        /// Not complete: the queued responses go out with this instruction (IDLE, SASL, STARTTLS).
        case continued(IMAPOutboundInstruction.Next)
        /// Queued responses go out and the connection closes (LOGOUT, too many failures).
        case close
    }

    private mutating func completeWithError(_ outbound: Outbound) async throws -> Bool {
        consecutiveErrors += 1
        if consecutiveErrors >= configuration.maxErrors {
            queue(.untagged(.bye(nil, "Too many errors")))
            return try await close(outbound)
        }
        try await flush(then: .command, outbound)
        return true
    }

    mutating func close(_ outbound: Outbound) async throws -> Bool {
        state = .logout
        try await flush(then: .close, outbound)
        try? await connection.channel.closeFuture.get()
        return false
    }

    // MARK: Output

    mutating func queue(_ response: IMAPResponse) {
        encoder.encode(response, into: &pending)
    }

    /// Writes what is queued and tells the framing handler what comes next.
    mutating func flush(then next: IMAPOutboundInstruction.Next, _ outbound: Outbound) async throws {
        let buffer = pending
        // An empty buffer owns no storage: an idle session keeps nothing between commands.
        pending = ByteBuffer()
        try await outbound.write(.send(buffer, then: next))
    }

    /// Streams long answers (FETCH of many messages) without building them whole in memory.
    mutating func flushIfLarge(_ outbound: Outbound) async throws {
        if pending.readableBytes >= Self.flushThreshold { try await flush(then: .more, outbound) }
    }

    // MARK: Session updates (RFC 9051 §7)

    /// Queues EXPUNGE / EXISTS / FETCH FLAGS for what other sessions and deliveries changed.
    /// `force` asks the store even when the hub has not announced anything yet: before a
    /// HIGHESTMODSEQ is reported, everything below it must have been reported (RFC 7162 §3.2.7).
    ///
    /// The store is not read when every change the hub announced is one the session knows: its
    /// own writes (recorded with their MODSEQs by STORE, APPEND and EXPUNGE) or older ones.
    mutating func queueUpdates(allowExpunge: Bool, force: Bool = false) async throws {
        guard case .selected(let account, var selected) = state else { return }
        let announced = dependencies.hub.status(of: selected.mailbox.id)
        let expungesDue = allowExpunge && !selected.pendingExpunges.isEmpty
        let mustLook = force || announced.generation != selected.generation || expungesDue
        guard mustLook || !selected.ownChanges.isEmpty else { return }
        // `force` with nothing recorded (COPY into the mailbox): only the store knows what came.
        if !expungesDue, !(force && selected.ownChanges.isEmpty),
           let update = selected.catchUpWithoutReading(announcedModSeq: announced.highestModSeq) {
            selected.generation = announced.generation
            state = .selected(account, selected)
            dependencies.metrics.catchUpsFromOwnChanges.increment()
            if let exists = update.exists { queue(.untagged(.exists(exists))) }
            return
        }
        guard mustLook else { return }
        dependencies.metrics.catchUpsFromStore.increment()
        let generation = announced.generation
        selected.generation = generation
        let (changed, expunged) = try await store.changes(mailboxID: selected.mailbox.id, sinceModSeq: selected.knownModSeq)
        let update = selected.apply(changed: changed, expunged: expunged, allowExpunge: allowExpunge)
        state = .selected(account, selected)
        queueExpunges(sequenceNumbers: update.expungedSequenceNumbers, uids: update.expungedUIDs)
        if let exists = update.exists { queue(.untagged(.exists(exists))) }
        for (number, entry) in update.flagChanges {
            // RFC 7162 §3.1.4.2 Example 14: other sessions' changes carry MODSEQ once enabled.
            queue(.untagged(.fetch(number, changeItems(uid: entry.uid, flags: entry.flags, modSeq: entry.modSeq,
                                                       includeUID: true))))
        }
    }

    /// RFC 9051 §7.5.1: no EXPUNGE during FETCH, STORE or SEARCH (the UID forms excepted); the
    /// same holds for VANISHED (RFC 7162 §3.2.10.2).
    static func allowsExpunge(_ kind: IMAPCommandKind) -> Bool {
        switch kind {
        case .fetch, .store, .search: return false
        default: return true
        }
    }

    // MARK: Errors

    /// A store failure as the client sees it; backend details go to the log only.
    func storeFailure(_ error: StoreError, command: String) -> IMAPStatusResponse {
        switch error {
        case .notFound: return .no("No such mailbox", code: .nonExistent)
        case .alreadyExists: return .no("Mailbox already exists", code: .alreadyExists)
        case .invalidName(let why): return .no("Cannot do that: \(why)", code: .cannot)
        case .overQuota: return .no("Quota exceeded", code: .overQuota)
        case .messageTooLarge: return .no("Message too large", code: .tooBig)
        case .inUse: return .no("Mailbox in use", code: .inUse)
        case .backend(let what):
            logger.error("store failure", metadata: ["command": "\(command)", "error": "\(what)"])
            return .no("Internal error, try again later", code: .serverBug)
        }
    }

    // MARK: Logging

    /// Protocol trace; passwords and SASL data are never logged (STYLE.md).
    private func trace(_ command: IMAPCommand) {
        guard logger.logLevel <= .trace else { return }
        switch command.kind {
        case .login(let user, _): logger.trace("C: \(command.tag) LOGIN \(user.prefix(256)) <redacted>")
        case .authenticate(let mechanism, _): logger.trace("C: \(command.tag) AUTHENTICATE \(mechanism) <redacted>")
        default: logger.trace("C: \(command.tag) \(Self.metricName(command.kind))")
        }
    }
}
