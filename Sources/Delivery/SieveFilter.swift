// Step 3 of the path of a message (DESIGN.md): the administrator's global script, then the
// recipient's active Sieve script, decide where the account's copies go and what is queued.
// Whatever goes wrong (no script, a script that does not compile, a run-time error, a store
// failure) ends in INBOX: a filter bug never loses a message.
import Foundation
import Logging
import MailStore
import Sieve

struct SieveFilter: Sendable {
    let store: any MailStore
    let cache: SieveScriptCache
    let hostname: String
    let globals: SieveGlobalScripts
    /// What `fileinto :create` may create (`[limits]`); past it the copy goes to INBOX.
    var mailboxLimits = MailboxLimits()
    /// Compile and run-time errors logged per message; more are noise.
    static let loggedErrors = 3
    /// The cache key owner of administrator scripts (no account has a negative id).
    static let globalAccountID: AccountID = -1
    /// Runs per script: each pass may discover one more level of include or a duplicate key to
    /// look up; beyond this the unknowns count as absent.
    static let maximumPasses = 2 + SieveLimits.default.maximumIncludeDepth

    /// What one account reached by `recipient` gets: copies to store, messages to queue, records
    /// to keep, or a rejection.
    func disposition(for recipient: ResolvedRecipient, envelope: DeliveryEnvelope, recipientIndex: Int,
                     prepared: PreparedMessage, receivedAt: Date, logger baseLogger: Logger) async -> SieveDisposition {
        let keep = SieveDisposition.keep(prepared)
        // Issue 8: the account is set on the logger only for accounts with a script to run; setting
        // logger metadata re-renders the handler's metadata each time, once per copy otherwise.
        // The logs written before that carry it in their own metadata.
        var logger = baseLogger
        let accountID = recipient.account.id

        let globalScript = compiledGlobalScript(logger: baseLogger)
        var userScript: SieveScript?
        do {
            let active: ActiveSieveScript?
            switch recipient.sieveScript {
            case .active(let script)?: active = script
            case .noActiveScript?: active = nil
            case nil: active = try await store.activeSieveScript(accountID: accountID)
            }
            if let active {
                logger[metadataKey: "account"] = "\(recipient.account.address)"
                logger[metadataKey: "sieve.script"] = "\(active.name)"
                switch cache.script(accountID: accountID, source: active.content) {
                case .success(let compiled):
                    userScript = compiled
                case .failure(let errors):
                    logger.warning("sieve script does not compile; implicit keep",
                                   metadata: ["errors": "\(Self.summary(errors.errors))"])
                }
            }
        } catch {
            logger.error("sieve script lookup failed; implicit keep",
                         metadata: ["account": "\(recipient.account.address)", "error": "\(error)"])
        }
        guard globalScript != nil || userScript != nil else { return keep }
        logger[metadataKey: "account"] = "\(recipient.account.address)"

        let mailboxNames: Set<String>
        do {
            mailboxNames = Set(try await store.mailboxes(accountID: accountID).map(\.name))
        } catch {
            logger.error("mailbox list failed; implicit keep", metadata: ["error": "\(error)"])
            return keep
        }
        let envelopeRecipient = envelope.recipients.indices.contains(recipientIndex) ? envelope.recipients[recipientIndex] : nil
        // RFC 5228 §5.4: "to" is the RCPT TO of this delivery; the account's own address (or the
        // ORCPT) is passed as the original recipient so vacation counts it as the user's.
        let original = envelopeRecipient?.originalRecipient ?? recipient.account.address
        let run = SieveRun(
            message: SieveMessage(bytes: prepared.content.bytes, parsed: prepared.parsed),
            envelope: SieveEnvelope(from: envelope.reversePath, to: recipient.originalRecipient,
                                    originalRecipient: original == recipient.originalRecipient ? nil : original,
                                    detail: recipient.detail),
            options: SieveInterpreter.Options(environment: ["host": hostname, "domain": hostname, "name": "Facteur",
                                                            "phase": "during"]),
            mailboxNames: mailboxNames, receivedAt: receivedAt, accountID: accountID)

        // The global script first (Pigeonhole's sieve_before convention, RFC 6609 §3.1 "global"
        // scripts): its actions accumulate with the user's, and the user's script runs unless the
        // global one executed `stop`. The implicit keep applies when neither script cancelled it.
        var knowledge = SieveDeliveryContext.Knowledge()
        var actions: [SieveAction] = []
        var duplicates: [SieveDuplicateKey] = []
        var implicitKeep = true
        var keepFlags: [String] = []
        var runUser = true
        if let globalScript {
            let result = await execute(globalScript, run, knowledge: &knowledge, logger: logger)
            if result.errors.isEmpty {
                actions += result.actions.filter { !Self.isImplicitKeep($0) }
                keepFlags = Self.implicitKeepFlags(result.actions)
                implicitKeep = result.implicitKeep
                duplicates += result.duplicateRecords
                runUser = !result.stopped
            } else {
                logger.warning("global sieve script run-time error; skipped",
                               metadata: ["errors": "\(Self.summary(result.errors))"])
            }
        }
        if runUser, let userScript {
            let result = await execute(userScript, run, knowledge: &knowledge, logger: logger)
            if result.errors.isEmpty {
                actions += result.actions.filter { !Self.isImplicitKeep($0) }
                keepFlags = Self.implicitKeepFlags(result.actions)
                implicitKeep = implicitKeep && result.implicitKeep
                duplicates += result.duplicateRecords
            } else {
                // RFC 5228 §2.10.6: the user's actions are dropped and the message kept.
                logger.warning("sieve run-time error; implicit keep", metadata: ["errors": "\(Self.summary(result.errors))"])
                implicitKeep = true
                keepFlags = []
            }
        }
        if implicitKeep { actions.append(.keep(flags: keepFlags, implicit: true)) }

        var disposition = await carryOut(actions, run: run, recipient: recipient, envelope: envelope,
                                          prepared: prepared, logger: logger)
        // RFC 7352 §3.1: recorded only once delivery succeeded (the pipeline writes these after the append).
        disposition.memory += duplicates.filter { $0.period > 0 }.map {
            SieveMemoryRecord(accountID: accountID, key: SieveDeliveryContext.memoryKey($0), period: $0.period,
                              mode: $0.fromLast ? .extend : .keepFirst, at: receivedAt)
        }
        return disposition
    }

    /// The inputs every pass of every script of one delivery shares.
    struct SieveRun: Sendable {
        var message: SieveMessage
        var envelope: SieveEnvelope
        var options: SieveInterpreter.Options
        var mailboxNames: Set<String>
        var receivedAt: Date
        var accountID: AccountID
    }

    /// Runs `script`, fetching what a pass asked and did not know (duplicate records, included
    /// scripts) and running again until nothing new is asked.
    private func execute(_ script: SieveScript, _ run: SieveRun, knowledge: inout SieveDeliveryContext.Knowledge,
                         logger: Logger) async -> SieveResult {
        var result = SieveResult(actions: [.keep(flags: [], implicit: true)], errors: [], implicitKeep: true)
        for _ in 0..<Self.maximumPasses {
            let context = SieveDeliveryContext(mailboxNames: run.mailboxNames, receivedAt: run.receivedAt,
                                               knowledge: knowledge)
            result = SieveInterpreter.run(script, message: run.message, envelope: run.envelope, options: run.options,
                                          context: context)
            let misses = context.misses
            if misses.isEmpty { break }
            await fetch(misses, accountID: run.accountID, into: &knowledge, logger: logger)
        }
        return result
    }

    private func fetch(_ misses: SieveDeliveryContext.Misses, accountID: AccountID,
                       into knowledge: inout SieveDeliveryContext.Knowledge, logger: Logger) async {
        if !misses.duplicates.isEmpty {
            let found: [SieveMemoryKey: SieveMemoryEntry]
            do {
                found = try await store.sieveMemory(accountID: accountID, keys: Array(misses.duplicates))
            } catch {
                // RFC 7352 §3.1: a wrong "true" must never happen; "not a duplicate" is the safe answer.
                logger.error("sieve duplicate lookup failed; treated as new", metadata: ["error": "\(error)"])
                found = [:]
            }
            for key in misses.duplicates { knowledge.duplicates[key] = .some(found[key]) }
        }
        for key in misses.scripts {
            let source: String?
            let owner: AccountID
            switch key.location {
            case .personal:
                owner = accountID
                do {
                    source = try await store.sieveScript(accountID: accountID, name: key.name)
                } catch {
                    logger.error("sieve include lookup failed", metadata: ["script": "\(key.name)", "error": "\(error)"])
                    source = nil
                }
            case .global:
                owner = Self.globalAccountID
                source = globals.source(named: key.name)
            }
            var compiled: SieveScript?
            if let source {
                switch cache.script(accountID: owner, source: source) {
                case .success(let script):
                    compiled = script
                case .failure(let errors):
                    // RFC 6609 §3.2: an included script that does not compile fails the run.
                    logger.warning("included sieve script does not compile",
                                   metadata: ["script": "\(key.name)", "errors": "\(Self.summary(errors.errors))"])
                }
            }
            knowledge.scripts[key] = .some(compiled)
        }
    }

    /// The administrator's before-script, compiled; nil when none is set or it is broken (logged).
    private func compiledGlobalScript(logger: Logger) -> SieveScript? {
        let source: String?
        do {
            source = try globals.beforeSource()
        } catch {
            logger.error("global sieve script unreadable; skipped",
                         metadata: ["path": "\(globals.beforePath ?? "")", "error": "\(error)"])
            return nil
        }
        guard let source else { return nil }
        switch cache.script(accountID: Self.globalAccountID, source: source) {
        case .success(let script):
            return script
        case .failure(let errors):
            logger.error("global sieve script does not compile; skipped",
                         metadata: ["path": "\(globals.beforePath ?? "")", "errors": "\(Self.summary(errors.errors))"])
            return nil
        }
    }

    private static func isImplicitKeep(_ action: SieveAction) -> Bool {
        if case .keep(_, true) = action { true } else { false }
    }

    private static func implicitKeepFlags(_ actions: [SieveAction]) -> [String] {
        for case .keep(let flags, true) in actions { return flags }
        return []
    }

    static func summary(_ errors: [SieveError]) -> String {
        errors.prefix(loggedErrors).map(\.description).joined(separator: "; ")
    }
}
