// Steps 1, 3 and 4 of the path of a message (DESIGN.md): resolve the recipients, run each
// account's active Sieve script, then append every copy in a single group-committed store call.
// Sender checks (step 2) come with their issue.
import Foundation
import Logging
import MailStore
import Metrics
import Sieve

public struct InboundMessage: Sendable {
    public var bytes: [UInt8]
    /// Reverse-path ("" for the null one), recipients in RCPT order (each already accepted by
    /// `check`) and the DSN parameters.
    public var envelope: DeliveryEnvelope
    public var trace: ReceptionTrace
    /// True when each recipient gets its own reply after the data (LMTP, RFC 2033 §4.2), so a
    /// Sieve reject can refuse one recipient alone (RFC 5429 §2.1.1). With SMTP's single reply a
    /// reject is given at DATA only when every recipient refuses; otherwise the sender gets a
    /// rejection notice (RFC 5429 §2.1.2).
    public var repliesPerRecipient: Bool

    public var reversePath: String { envelope.reversePath }
    public var recipients: [String] { envelope.recipients.map(\.address) }

    public init(bytes: [UInt8], envelope: DeliveryEnvelope, trace: ReceptionTrace, repliesPerRecipient: Bool = false) {
        self.bytes = bytes
        self.envelope = envelope
        self.trace = trace
        self.repliesPerRecipient = repliesPerRecipient
    }

    public init(bytes: [UInt8], reversePath: String, recipients: [String], trace: ReceptionTrace) {
        self.init(bytes: bytes,
                  envelope: DeliveryEnvelope(reversePath: reversePath, recipients: recipients.map { .init(address: $0) }),
                  trace: trace)
    }
}

public enum DeliveryFailure: Error, Sendable, Equatable {
    case invalidAddress
    case notLocalDomain
    case unknownUser
    /// Every account the address reaches is full (RFC 3463 4.2.2 / 5.2.2).
    case overQuota
    /// The store failed; the sender should retry.
    case temporary
}

public enum RecipientOutcome: Sendable, Equatable {
    case delivered
    case failed(DeliveryFailure)
    /// RFC 5429: the recipient's Sieve script refused the message; `reason` is US-ASCII, ready for
    /// a `550 5.7.1` reply.
    case rejected(reason: String)
}

public final class DeliveryPipeline: Sendable {
    public let store: any MailStore
    public let configuration: DeliveryConfiguration
    private let resolver: RecipientResolver
    /// What RCPT TO resolved, for its DATA: one store read per recipient instead of two.
    private let recent = RecentResolutions(lifetime: 10, capacity: 4_096)
    private let filter: SieveFilter
    private let logger: Logger
    private let latency = Metrics.Timer(label: "facteur_delivery_duration_seconds")
    private let delivered = Counter(label: "facteur_deliveries_total", dimensions: [("result", "delivered")])
    private let failed = Counter(label: "facteur_deliveries_total", dimensions: [("result", "failed")])

    public init(store: any MailStore, configuration: DeliveryConfiguration, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.resolver = RecipientResolver(store: store, configuration: configuration)
        self.filter = SieveFilter(store: store, cache: SieveScriptCache(capacity: configuration.sieveCacheCapacity),
                                  hostname: configuration.hostname,
                                  globals: SieveGlobalScripts(beforePath: configuration.sieveBeforePath,
                                                              directory: configuration.sieveGlobalDirectory,
                                                              maximumSize: SieveLimits.default.maximumScriptSize),
                                  mailboxLimits: configuration.mailboxLimits)
        self.logger = logger
    }

    /// The RCPT TO decision: nil when the recipient is accepted.
    public func check(recipient: String) async -> DeliveryFailure? {
        do {
            let resolution = try await resolver.resolve(recipient)
            recent.store(resolution, for: recipient)
            switch resolution {
            case .invalidAddress: return .invalidAddress
            case .notLocalDomain: return .notLocalDomain
            case .unknownUser: return .unknownUser
            case .local(let accounts, _):
                // Refuse early only when every account is already full; a list with one full
                // member still reaches the others.
                // Full means either RFC 9208 resource is used up: STORAGE or MESSAGE.
                let allFull = accounts.allSatisfy { recipient in
                    let account = recipient.account
                    if let quota = account.quotaBytes, account.usedBytes >= quota { return true }
                    if let limit = account.quotaMessages, account.messageCount >= limit { return true }
                    return false
                }
                return allFull ? .overQuota : nil
            }
        } catch {
            recent.store(nil, for: recipient)
            logger.error("recipient lookup failed", metadata: ["error": "\(error)"])
            return .temporary
        }
    }

    /// Stores the message for every recipient; one outcome per recipient, in order. `.delivered`
    /// means committed to disk.
    public func deliver(_ message: InboundMessage) async -> [RecipientOutcome] {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { latency.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start)) }
        var logger = self.logger
        logger[metadataKey: "trace.id"] = "\(message.trace.traceID)"

        // 1. Resolve every recipient to accounts; one copy per account even when several
        //    recipients (or lists) reach it.
        var outcomes = [RecipientOutcome](repeating: .failed(.temporary), count: message.recipients.count)
        var accountsOfRecipient: [[AccountID]] = Array(repeating: [], count: message.recipients.count)
        var targets: [(recipient: ResolvedRecipient, index: Int)] = []
        var seen: Set<AccountID> = []
        for (index, recipient) in message.recipients.enumerated() {
            do {
                let resolution: RecipientResolution
                if let known = recent.resolution(for: recipient) {
                    resolution = known
                } else {
                    resolution = try await resolver.resolve(recipient)
                }
                switch resolution {
                case .invalidAddress: outcomes[index] = .failed(.invalidAddress)
                case .notLocalDomain: outcomes[index] = .failed(.notLocalDomain)
                case .unknownUser: outcomes[index] = .failed(.unknownUser)
                case .local(let accounts, let remote):
                    if !remote.isEmpty {
                        // todo(outbound): forward to remote alias targets once the queue exists.
                        logger.warning("alias targets outside local domains are not forwarded yet",
                                       metadata: ["recipient": "\(recipient)", "targets": "\(remote)"])
                    }
                    for resolved in accounts {
                        accountsOfRecipient[index].append(resolved.account.id)
                        if seen.insert(resolved.account.id).inserted {
                            targets.append((resolved, index))
                        }
                    }
                }
            } catch {
                logger.error("recipient lookup failed", metadata: ["recipient": "\(recipient)", "error": "\(error)"])
                outcomes[index] = .failed(.temporary)
            }
        }
        guard !targets.isEmpty else {
            failed.increment(by: message.recipients.count)
            return outcomes
        }

        // 2. Parse once; the Received field is part of the shared content.
        let received = message.trace.receivedField(
            byHost: configuration.hostname,
            singleRecipient: message.recipients.count == 1 ? message.recipients[0] : nil)
        let prepared = MessagePreparer.prepare(Array(received.utf8) + message.bytes)

        // 3. Each account's Sieve scripts pick its copies (INBOX when it has none), what to queue
        //    and whether it refuses the message.
        var dispositions: [SieveDisposition] = []
        for target in targets {
            dispositions.append(await filter.disposition(
                for: target.recipient, envelope: message.envelope, recipientIndex: target.index,
                prepared: prepared, receivedAt: message.trace.receivedAt, logger: logger))
        }
        let refused = refusals(dispositions, targets: targets,
                               accountsOfRecipient: accountsOfRecipient, message: message, prepared: prepared,
                               logger: logger)
        let copiesOfTarget = dispositions.map(\.copies)

        // 4. One append call for every copy: one transaction shared with concurrent deliveries.
        var requests: [AppendRequest] = []
        var targetOfRequest: [Int] = []
        for (targetIndex, target) in targets.enumerated() {
            for copy in copiesOfTarget[targetIndex] {
                requests.append(AppendRequest(
                    accountID: target.recipient.account.id,
                    mailbox: copy.mailbox,
                    prefix: ReceptionTrace.deliveryPrefix(reversePath: message.reversePath,
                                                          deliveredTo: target.recipient.account.address),
                    content: copy.prepared.content,
                    flags: copy.flags,
                    internalDate: message.trace.receivedAt,
                    metadata: copy.prepared.metadata,
                    searchFields: copy.prepared.searchFields,
                    deliveryEnvelope: message.envelope.stored(for: target.index)))
                targetOfRequest.append(targetIndex)
            }
        }
        var results: [Result<AppendedMessage, StoreError>] = []
        if !requests.isEmpty {
            do {
                results = try await store.append(requests)
                // The protocol promises one outcome per request; anything else is a store bug.
                guard results.count == requests.count else { throw StoreError.backend("append outcome count mismatch") }
            } catch {
                logger.error("append failed", metadata: ["error": "\(error)"])
                failed.increment(by: message.recipients.count)
                return outcomes.map { $0 == .delivered ? .failed(.temporary) : $0 }
            }
        }

        // A mailbox chosen by Sieve can vanish between the run and the append (deleted by the
        // user meanwhile): an account none of whose copies was stored for that reason gets its
        // message in INBOX instead, so a filter never loses mail.
        let retryTargets = targets.indices.filter { targetIndex in
            let indices = requests.indices.filter { targetOfRequest[$0] == targetIndex }
            return !indices.isEmpty && indices.allSatisfy { index in
                if case .failure(.notFound) = results[index], requests[index].mailbox != .inbox { true } else { false }
            }
        }
        if !retryTargets.isEmpty {
            let retries = retryTargets.compactMap { targetIndex -> AppendRequest? in
                guard let first = requests.indices.first(where: { targetOfRequest[$0] == targetIndex }) else { return nil }
                var request = requests[first]
                request.mailbox = .inbox
                request.flags = []
                return request
            }
            logger.notice("sieve target mailbox vanished; filing into INBOX", metadata: ["copies": "\(retries.count)"])
            if let retried = try? await store.append(retries), retried.count == retries.count {
                for (retryIndex, result) in retried.enumerated() {
                    requests.append(retries[retryIndex])
                    targetOfRequest.append(retryTargets[retryIndex])
                    results.append(result)
                }
            }
        }

        // An account whose script stored nothing (discard) has its message delivered; otherwise
        // it is delivered when any of its copies was stored.
        var resultsOfTarget: [[Result<AppendedMessage, StoreError>]] = Array(repeating: [], count: targets.count)
        for (requestIndex, result) in results.enumerated() {
            let targetIndex = targetOfRequest[requestIndex]
            let target = targets[targetIndex]
            resultsOfTarget[targetIndex].append(result)
            switch result {
            case .success(let appended):
                logger.info("delivered", metadata: [
                    "recipient": "\(target.recipient.originalRecipient)",
                    "account": "\(target.recipient.account.address)",
                    "mailbox": "\(requests[requestIndex].mailbox)",
                    "uid": "\(appended.uid)", "size": "\(requests[requestIndex].content.bytes.count)"])
            case .failure(let error):
                logger.notice("not delivered", metadata: [
                    "recipient": "\(target.recipient.originalRecipient)",
                    "account": "\(target.recipient.account.address)", "reason": "\(error)"])
            }
        }
        var stored: [AccountID: Result<Void, StoreError>] = [:]
        for (targetIndex, target) in targets.enumerated() {
            let accountResults = resultsOfTarget[targetIndex]
            if refused.atProtocol[targetIndex] != nil {
                continue    // refused in the reply (RFC 5429 §2.1.1): nothing stored, nothing queued
            } else if accountResults.isEmpty {
                logger.info("discarded by sieve", metadata: ["account": "\(target.recipient.account.address)"])
                stored[target.recipient.account.id] = .success(())
            } else if accountResults.contains(where: { if case .success = $0 { true } else { false } }) {
                stored[target.recipient.account.id] = .success(())
            } else if case .failure(let error) = accountResults.first(where: { if case .failure(.overQuota) = $0 { true } else { false } }) ?? accountResults[0] {
                stored[target.recipient.account.id] = .failure(error)
            }
        }

        // Redirects, vacation replies, rejection notices and Sieve's records, committed before
        // the reply: an acknowledged message's redirect is never lost (a failure here makes the
        // sender retry, which may store a second copy but loses nothing).
        await commitEffects(dispositions, notices: refused.notices, targets: targets,
                            stored: &stored, logger: logger)

        // 5. A recipient is delivered when any account it reaches stored the message.
        for index in message.recipients.indices where !accountsOfRecipient[index].isEmpty {
            if let reason = refused.recipients[index] {
                outcomes[index] = .rejected(reason: reason)
                continue
            }
            let accountResults = accountsOfRecipient[index].compactMap { stored[$0] }
            if accountResults.contains(where: { if case .success = $0 { return true } else { return false } }) {
                outcomes[index] = .delivered
            } else if accountResults.contains(where: { if case .failure(.overQuota) = $0 { return true } else { return false } }) {
                outcomes[index] = .failed(.overQuota)
            } else {
                outcomes[index] = .failed(.temporary)
            }
        }
        let deliveredCount = outcomes.filter { $0 == .delivered }.count
        delivered.increment(by: deliveredCount)
        failed.increment(by: outcomes.count - deliveredCount)
        return outcomes
    }
}
