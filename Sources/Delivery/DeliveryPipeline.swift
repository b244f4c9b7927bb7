// Steps 1 and 4 of the path of a message (DESIGN.md): resolve the recipients, then append one copy
// per account in a single group-committed store call. Sieve (step 3) and sender checks (step 2)
// come with their issues.
import Foundation
import Logging
import MailStore
import Metrics

public struct InboundMessage: Sendable {
    public var bytes: [UInt8]
    /// Reverse-path ("" for the null one), recipients in RCPT order (each already accepted by
    /// `check`) and the DSN parameters.
    public var envelope: DeliveryEnvelope
    public var trace: ReceptionTrace

    public var reversePath: String { envelope.reversePath }
    public var recipients: [String] { envelope.recipients.map(\.address) }

    public init(bytes: [UInt8], envelope: DeliveryEnvelope, trace: ReceptionTrace) {
        self.bytes = bytes
        self.envelope = envelope
        self.trace = trace
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
}

public final class DeliveryPipeline: Sendable {
    public let store: any MailStore
    public let configuration: DeliveryConfiguration
    private let resolver: RecipientResolver
    private let logger: Logger
    private let latency = Metrics.Timer(label: "facteur_delivery_duration_seconds")
    private let delivered = Counter(label: "facteur_deliveries_total", dimensions: [("result", "delivered")])
    private let failed = Counter(label: "facteur_deliveries_total", dimensions: [("result", "failed")])

    public init(store: any MailStore, configuration: DeliveryConfiguration, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.resolver = RecipientResolver(store: store, configuration: configuration)
        self.logger = logger
    }

    /// The RCPT TO decision: nil when the recipient is accepted.
    public func check(recipient: String) async -> DeliveryFailure? {
        do {
            switch try await resolver.resolve(recipient) {
            case .invalidAddress: return .invalidAddress
            case .notLocalDomain: return .notLocalDomain
            case .unknownUser: return .unknownUser
            case .local(let accounts, _):
                // Refuse early only when every account is already full; a list with one full
                // member still reaches the others.
                let allFull = accounts.allSatisfy { recipient in
                    guard let quota = recipient.account.quotaBytes else { return false }
                    return recipient.account.usedBytes >= quota
                }
                return allFull ? .overQuota : nil
            }
        } catch {
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
                switch try await resolver.resolve(recipient) {
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

        // 3. One append call: one transaction shared with concurrent deliveries.
        let requests = targets.map { target in
            AppendRequest(
                accountID: target.recipient.account.id,
                mailbox: .inbox,
                prefix: ReceptionTrace.deliveryPrefix(reversePath: message.reversePath,
                                                      deliveredTo: target.recipient.account.address),
                content: prepared.content,
                internalDate: message.trace.receivedAt,
                metadata: prepared.metadata,
                searchFields: prepared.searchFields,
                deliveryEnvelope: message.envelope.stored(for: target.index))
        }
        let results: [Result<AppendedMessage, StoreError>]
        do {
            results = try await store.append(requests)
        } catch {
            logger.error("append failed", metadata: ["error": "\(error)"])
            failed.increment(by: message.recipients.count)
            return outcomes.map { $0 == .delivered ? .failed(.temporary) : $0 }
        }

        var stored: [AccountID: Result<AppendedMessage, StoreError>] = [:]
        for (target, result) in zip(targets, results) {
            stored[target.recipient.account.id] = result
            switch result {
            case .success(let appended):
                logger.info("delivered", metadata: [
                    "recipient": "\(target.recipient.originalRecipient)",
                    "account": "\(target.recipient.account.address)",
                    "uid": "\(appended.uid)", "size": "\(prepared.content.bytes.count)"])
            case .failure(let error):
                logger.notice("not delivered", metadata: [
                    "recipient": "\(target.recipient.originalRecipient)",
                    "account": "\(target.recipient.account.address)", "reason": "\(error)"])
            }
        }

        // 4. A recipient is delivered when any account it reaches stored the message.
        for index in message.recipients.indices where !accountsOfRecipient[index].isEmpty {
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
