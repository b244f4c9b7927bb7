// Carrying out a script's actions for one account: copies to store (fileinto, keep, flags,
// editheader), messages to queue (redirect, vacation) and a rejection (reject, ereject).
import Foundation
import Logging
import MailStore
import Sieve

extension SieveFilter {
    func carryOut(_ actions: [SieveAction], run: SieveRun, recipient: ResolvedRecipient, envelope: DeliveryEnvelope,
                  prepared: PreparedMessage, logger: Logger) async -> SieveDisposition {
        let accountID = recipient.account.id
        let context = SieveDeliveryContext(mailboxNames: run.mailboxNames, receivedAt: run.receivedAt)
        var targets: [(mailbox: MailboxSelector, flags: [String])] = []
        var editor: HeaderEditor?
        var redirects: [String] = []
        var vacations: [SieveVacation] = []
        var rejection: String?
        for action in actions {
            switch action {
            case .keep(let flags, _):
                targets.append((.inbox, flags))
            case .fileinto(let mailbox, let flags, let create, _):
                targets.append((await destination(mailbox, create: create, context: context, accountID: accountID,
                                                  logger: logger), flags))
            case .redirect(let address, _):
                // The interpreter bounds each script's redirects; this bounds the global and the
                // user's script together (a loop amplifier otherwise).
                if redirects.count >= SieveLimits.default.maximumRedirects {
                    logger.notice("sieve redirect dropped: too many for one message; kept in INBOX",
                                  metadata: ["to": "\(address)"])
                    // RFC 5228 §2.10.6: an action that cannot be carried out falls back to the keep.
                    targets.append((.inbox, []))
                } else if !redirects.contains(address) {
                    redirects.append(address)
                }
            case .vacation(let vacation):
                vacations.append(vacation)
            case .reject(let reason, _):
                rejection = reason
            case .discard:
                break   // RFC 5228 §4.4: only cancels the implicit keep.
            case .addHeader(let name, let value, let last):
                var edited = editor ?? HeaderEditor(prepared.content.bytes)
                edited.add(name: name, value: value, last: last)
                editor = edited
            case .deleteHeader(let name, let occurrence):
                var edited = editor ?? HeaderEditor(prepared.content.bytes)
                edited.delete(name: name, occurrence: occurrence)
                editor = edited
            }
        }
        if rejection != nil, !targets.isEmpty || !redirects.isEmpty {
            // Only possible across the global and the user's script (one script cannot combine
            // them, RFC 5429 §2.4): storing wins, so nothing is lost.
            logger.notice("sieve reject ignored: another script stored or redirected the message")
            rejection = nil
        }

        // One copy per mailbox (fileinto "INBOX" and keep are the same place, RFC 5228 §2.10.3);
        // flags asked for the same mailbox are merged.
        var merged: [(mailbox: MailboxSelector, flags: [String])] = []
        for target in targets {
            if let index = merged.firstIndex(where: { Self.sameMailbox($0.mailbox, target.mailbox) }) {
                for flag in target.flags where !merged[index].flags.contains(where: { $0.caseInsensitiveCompare(flag) == .orderedSame }) {
                    merged[index].flags.append(flag)
                }
            } else {
                merged.append(target)
            }
        }
        // The edited header is this account's own content (RFC 5293): parse it again so the
        // stored summary's byte ranges match.
        let content = editor.map { MessagePreparer.prepare($0.bytes) } ?? prepared
        var disposition = SieveDisposition(copies: merged.map { DeliveryCopy(mailbox: $0.mailbox, flags: $0.flags, prepared: content) })
        disposition.rejection = rejection

        // RFC 5228 §4.2: the message goes out unchanged (with our Received field, which lets the
        // next hop count hops, the loop control §4.2 asks for). The envelope sender is copied from
        // the message being processed, and an empty one MUST stay empty.
        for address in redirects {
            disposition.outbound.append(OutboundMessage(
                envelopeFrom: envelope.reversePath, recipients: [address], content: content.content.bytes,
                origin: .sieveRedirect, accountID: accountID))
            logger.info("sieve redirect queued", metadata: ["to": "\(address)"])
        }
        for vacation in vacations {
            await vacationReply(vacation, run: run, recipient: recipient, envelope: envelope, prepared: prepared,
                                into: &disposition, logger: logger)
        }
        return disposition
    }

    /// RFC 5230 §4.2-§4.6 and RFC 3834 via `VacationPolicy`: at most one reply per sender and
    /// handle per period, never to lists, automatic mail or ourselves.
    private func vacationReply(_ vacation: SieveVacation, run: SieveRun, recipient: ResolvedRecipient,
                               envelope: DeliveryEnvelope, prepared: PreparedMessage,
                               into disposition: inout SieveDisposition, logger: Logger) async {
        let sender = Self.bareAddress(envelope.reversePath).lowercased()
        let key = SieveMemoryKey(kind: .vacation, handle: SieveDeliveryContext.bounded(vacation.handle),
                                 key: SieveDeliveryContext.bounded(sender))
        let last: SieveMemoryEntry?
        do {
            last = sender.isEmpty ? nil : try await store.sieveMemory(accountID: run.accountID, keys: [key])[key]
        } catch {
            // Without the record we cannot promise one reply per period: send none.
            logger.error("vacation record lookup failed; no reply", metadata: ["error": "\(error)"])
            return
        }
        var own = [recipient.account.address, recipient.originalRecipient]
        if let original = run.envelope.originalRecipient { own.append(original) }
        let policy = VacationPolicy(ownAddresses: own)
        let decision = policy.decide(vacation: vacation, header: prepared.parsed.header, envelopeFrom: envelope.reversePath,
                                     now: run.receivedAt, lastReplied: { _, _ in last?.created })
        switch decision {
        case .skip(let reason):
            logger.info("sieve vacation: no reply", metadata: ["reason": "\(reason)"])
        case .reply(let to, let subject):
            let reply = VacationReply(vacation: vacation, recipient: to, subject: subject, owner: recipient.account.address,
                                      originalHeader: prepared.parsed.header, date: run.receivedAt,
                                      messageID: "<" + UUID().uuidString.lowercased() + "@" + hostname + ">")
            // RFC 5230 §5.1: MAIL FROM:<>, so the reply can never bounce back into a loop.
            disposition.outbound.append(OutboundMessage(envelopeFrom: reply.envelopeFrom, recipients: [reply.recipient],
                                                        content: reply.message, origin: .sieveVacation,
                                                        accountID: run.accountID))
            disposition.memory.append(SieveMemoryRecord(accountID: run.accountID, key: key, period: vacation.period,
                                                        mode: .restart, at: run.receivedAt))
            logger.info("sieve vacation reply queued", metadata: ["to": "\(to)"])
        }
    }

    /// RFC 5228 §4.1: a missing mailbox is a run-time error (implicit keep, so INBOX); RFC 5490
    /// §3.2: with :create it is created first.
    private func destination(_ mailbox: String, create: Bool, context: SieveDeliveryContext, accountID: AccountID,
                             logger: Logger) async -> MailboxSelector {
        if mailbox.uppercased() == "INBOX" { return .inbox }
        if context.mailboxExists(mailbox) { return .name(mailbox) }
        guard create else {
            logger.notice("sieve fileinto: no such mailbox; filed into INBOX", metadata: ["mailbox": "\(mailbox)"])
            return .inbox
        }
        if let complaint = mailboxLimits.violation(creating: mailbox, existingCount: context.mailboxNames.count) {
            logger.notice("sieve fileinto :create over [limits]; filed into INBOX",
                          metadata: ["mailbox": "\(mailbox)", "limit": "\(complaint)"])
            return .inbox
        }
        do {
            try await store.createMailbox(accountID: accountID, name: mailbox, specialUse: nil)
            return .name(mailbox)
        } catch StoreError.alreadyExists {
            return .name(mailbox)   // created by a concurrent delivery
        } catch {
            logger.notice("sieve fileinto :create failed; filed into INBOX",
                          metadata: ["mailbox": "\(mailbox)", "error": "\(error)"])
            return .inbox
        }
    }

    private static func sameMailbox(_ lhs: MailboxSelector, _ rhs: MailboxSelector) -> Bool {
        switch (lhs, rhs) {
        case (.inbox, .inbox): true
        case (.name(let a), .name(let b)): a == b
        case (.id(let a), .id(let b)): a == b
        default: false
        }
    }

    static func bareAddress(_ address: String) -> String {
        var text = address.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("<"), text.hasSuffix(">") { text = String(text.dropFirst().dropLast()) }
        return text
    }
}
