// Step 3 of the path of a message (DESIGN.md): the recipient's active Sieve script decides where
// the account's copies go. Whatever goes wrong (no script, a script that does not compile, a
// run-time error, a store failure) ends in INBOX: a filter bug never loses a message.
import Foundation
import Logging
import MailStore
import Sieve

struct SieveFilter: Sendable {
    let store: any MailStore
    let cache: SieveScriptCache
    let hostname: String
    /// What `fileinto :create` may create (`[limits]`); past it the copy goes to INBOX.
    var mailboxLimits = MailboxLimits()
    /// The words logged for actions that need an outbound queue (the README says the same).
    static let notSent = "not sent: outbound delivery is not available yet"
    /// Compile and run-time errors logged per message; more are noise.
    static let loggedErrors = 3

    /// The copies to store for one account reached by `recipient`.
    func copies(for recipient: ResolvedRecipient, envelope: DeliveryEnvelope, recipientIndex: Int,
                prepared: PreparedMessage, receivedAt: Date, logger baseLogger: Logger) async -> [DeliveryCopy] {
        let keep = [DeliveryCopy.inbox(prepared)]
        var logger = baseLogger
        logger[metadataKey: "account"] = "\(recipient.account.address)"
        let active: ActiveSieveScript?
        do {
            active = try await store.activeSieveScript(accountID: recipient.account.id)
        } catch {
            logger.error("sieve script lookup failed; implicit keep", metadata: ["error": "\(error)"])
            return keep
        }
        guard let active else { return keep }
        logger[metadataKey: "sieve.script"] = "\(active.name)"

        let script: SieveScript
        switch cache.script(accountID: recipient.account.id, source: active.content) {
        case .success(let compiled):
            script = compiled
        case .failure(let errors):
            logger.warning("sieve script does not compile; implicit keep",
                           metadata: ["errors": "\(Self.summary(errors.errors))"])
            return keep
        }
        let mailboxNames: Set<String>
        do {
            mailboxNames = Set(try await store.mailboxes(accountID: recipient.account.id).map(\.name))
        } catch {
            logger.error("mailbox list failed; implicit keep", metadata: ["error": "\(error)"])
            return keep
        }

        let context = SieveDeliveryContext(mailboxNames: mailboxNames, receivedAt: receivedAt)
        let envelopeRecipient = envelope.recipients.indices.contains(recipientIndex) ? envelope.recipients[recipientIndex] : nil
        // RFC 5228 §5.4: "to" is the RCPT TO of this delivery; the account's own address (or the
        // ORCPT) is passed as the original recipient so vacation counts it as the user's.
        let original = envelopeRecipient?.originalRecipient ?? recipient.account.address
        let sieveEnvelope = SieveEnvelope(
            from: envelope.reversePath, to: recipient.originalRecipient,
            originalRecipient: original == recipient.originalRecipient ? nil : original,
            detail: recipient.detail)
        let result = SieveInterpreter.run(
            script, message: SieveMessage(bytes: prepared.content.bytes, parsed: prepared.parsed),
            envelope: sieveEnvelope,
            options: SieveInterpreter.Options(environment: ["host": hostname, "domain": hostname, "name": "Facteur",
                                                            "phase": "during"]),
            context: context)
        if !result.errors.isEmpty {
            // RFC 5228 §2.10.6: the interpreter has reduced the actions to the implicit keep.
            logger.warning("sieve run-time error; implicit keep", metadata: ["errors": "\(Self.summary(result.errors))"])
        }
        return await carryOut(result.actions, context: context, accountID: recipient.account.id,
                              prepared: prepared, logger: logger)
    }

    private func carryOut(_ actions: [SieveAction], context: SieveDeliveryContext, accountID: AccountID,
                          prepared: PreparedMessage, logger: Logger) async -> [DeliveryCopy] {
        var targets: [(mailbox: MailboxSelector, flags: [String])] = []
        var editor: HeaderEditor?
        var keepAnyway = false
        for action in actions {
            switch action {
            case .keep(let flags, _):
                targets.append((.inbox, flags))
            case .fileinto(let mailbox, let flags, let create, _):
                targets.append((await destination(mailbox, create: create, context: context, accountID: accountID,
                                                  logger: logger), flags))
            case .redirect(let address, let copy):
                logger.notice("sieve redirect \(Self.notSent)", metadata: ["to": "\(address)"])
                // RFC 5228 §2.10.6: an action that cannot be carried out falls back to the implicit keep.
                if !copy { keepAnyway = true }
            case .vacation(let vacation):
                logger.notice("sieve vacation \(Self.notSent)", metadata: ["handle": "\(vacation.handle)"])
            case .reject(_, let extended):
                // todo(sieve): RFC 5429 reject needs the SMTP reply path (ereject) or an MDN sender;
                // until then the message is kept so nothing is lost.
                logger.notice("sieve \(extended ? "ereject" : "reject") not performed (needs the SMTP reply path); kept")
                keepAnyway = true
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
        if keepAnyway { targets.append((.inbox, [])) }

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
        return merged.map { DeliveryCopy(mailbox: $0.mailbox, flags: $0.flags, prepared: content) }
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

    private static func summary(_ errors: [SieveError]) -> String {
        errors.prefix(loggedErrors).map(\.description).joined(separator: "; ")
    }
}
