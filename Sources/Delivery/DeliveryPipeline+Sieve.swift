// The parts of delivery that follow from Sieve beyond storing copies: refusing recipients
// (RFC 5429) and committing what the scripts queued and want remembered.
import Foundation
import Logging
import MailStore

extension DeliveryPipeline {
    /// Where each Sieve rejection is given.
    struct Refusals {
        /// Per target: the reply text when the refusal is given in the SMTP/LMTP reply.
        var atProtocol: [String?]
        /// Per recipient (RCPT order): the reply text when that recipient is refused.
        var recipients: [String?]
        /// Per target: the rejection notice to queue instead (RFC 5429 §2.1.2).
        var notices: [Int: OutboundMessage] = [:]
    }

    /// RFC 5429 §2.1.1: refuse with 550 in the reply when the protocol can say it for exactly the
    /// refusing recipients (LMTP always; SMTP when every recipient refuses). Otherwise §2.1.2: the
    /// message is accepted and the sender gets a non-delivery report, unless the reverse-path is
    /// null (RFC 3464 §2: no report to <>), which is logged.
    func refusals(_ dispositions: [SieveDisposition], targets: [(recipient: ResolvedRecipient, index: Int)],
                  accountsOfRecipient: [[AccountID]], message: InboundMessage, prepared: PreparedMessage,
                  logger: Logger) -> Refusals {
        var refusals = Refusals(atProtocol: Array(repeating: nil, count: targets.count),
                                recipients: Array(repeating: nil, count: message.recipients.count))
        var reasonOfAccount: [AccountID: String] = [:]
        for (targetIndex, target) in targets.enumerated() {
            if let reason = dispositions[targetIndex].rejection { reasonOfAccount[target.recipient.account.id] = reason }
        }
        guard !reasonOfAccount.isEmpty else { return refusals }

        func refusesAll(_ index: Int) -> Bool {
            !accountsOfRecipient[index].isEmpty && accountsOfRecipient[index].allSatisfy { reasonOfAccount[$0] != nil }
        }
        let everyRecipientRefuses = message.recipients.indices.allSatisfy { accountsOfRecipient[$0].isEmpty || refusesAll($0) }
        let inReply = message.repliesPerRecipient || everyRecipientRefuses
        if inReply {
            for index in message.recipients.indices where refusesAll(index) {
                let reason = accountsOfRecipient[index].lazy.compactMap { reasonOfAccount[$0] }.first ?? ""
                refusals.recipients[index] = RejectionNotice.replyText(for: reason)
            }
        }
        let sender = message.reversePath
        for (targetIndex, target) in targets.enumerated() {
            guard let reason = dispositions[targetIndex].rejection else { continue }
            let accountID = target.recipient.account.id
            let reachedBy = message.recipients.indices.filter { accountsOfRecipient[$0].contains(accountID) }
            if inReply, reachedBy.allSatisfy({ refusals.recipients[$0] != nil }) {
                refusals.atProtocol[targetIndex] = RejectionNotice.replyText(for: reason)
                logger.info("sieve reject: refused in the reply", metadata: ["account": "\(target.recipient.account.address)"])
            } else if sender.isEmpty {
                logger.notice("sieve reject: message dropped without a report (null reverse-path)",
                              metadata: ["account": "\(target.recipient.account.address)"])
            } else {
                let notice = RejectionNotice(
                    reason: reason, recipients: [target.recipient.originalRecipient], sender: sender,
                    hostname: configuration.hostname,
                    originalHeader: Array(prepared.content.bytes[prepared.parsed.header.range.clamped(to: 0..<prepared.content.bytes.count)]),
                    date: message.trace.receivedAt,
                    messageID: "<" + UUID().uuidString.lowercased() + "@" + configuration.hostname + ">",
                    boundary: "facteur-" + UUID().uuidString.lowercased())
                refusals.notices[targetIndex] = OutboundMessage(envelopeFrom: "", recipients: [sender],
                                                                content: notice.message, origin: .sieveReject,
                                                                accountID: accountID)
                logger.info("sieve reject: rejection notice queued", metadata: ["account": "\(target.recipient.account.address)"])
            }
        }
        return refusals
    }

    /// Queues every stored account's outbound messages and records its Sieve memory in one store
    /// call. When that fails, accounts that had something to send are marked failed, so the
    /// sender retries instead of the forward or reply being lost.
    func commitEffects(_ dispositions: [SieveDisposition], notices: [Int: OutboundMessage],
                       targets: [(recipient: ResolvedRecipient, index: Int)],
                       stored: inout [AccountID: Result<Void, StoreError>], logger: Logger) async {
        var messages: [OutboundMessage] = []
        var memory: [SieveMemoryRecord] = []
        var sending: [AccountID] = []
        for (targetIndex, target) in targets.enumerated() {
            let accountID = target.recipient.account.id
            guard case .success = stored[accountID] else { continue }
            let outbound = dispositions[targetIndex].outbound + (notices[targetIndex].map { [$0] } ?? [])
            messages += outbound
            memory += dispositions[targetIndex].memory
            if !outbound.isEmpty { sending.append(accountID) }
        }
        guard !messages.isEmpty || !memory.isEmpty else { return }
        do {
            let ids = try await store.enqueueOutbound(messages, recording: memory)
            if !ids.isEmpty { logger.info("queued for sending", metadata: ["queue.ids": "\(ids)"]) }
        } catch {
            logger.error("queueing sieve messages failed", metadata: ["error": "\(error)"])
            for accountID in sending { stored[accountID] = .failure(.backend("outbound queue")) }
        }
    }
}
