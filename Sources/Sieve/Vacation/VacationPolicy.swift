import Foundation
import MailMessage

/// Decides whether a vacation action really sends a reply (RFC 5230 §4.5-4.6, RFC 3834 §2):
/// never to automatic or list mail, never to ourselves, only when we were a visible recipient, and at
/// most once per sender and handle within the period. Delivery calls it after the script ran.
public struct VacationPolicy: Sendable {
    public enum Decision: Sendable, Hashable {
        /// Send a reply to `recipient` with `subject`; then record (recipient, handle) as replied now.
        case reply(recipient: String, subject: String)
        case skip(Reason)
    }

    public enum Reason: Sendable, Hashable {
        case nullSender              // RFC 5230 §4.6: no return path
        case automaticSender         // RFC 3834 §2: MAILER-DAEMON, owner-*, *-request, LISTSERV…
        case autoSubmitted           // RFC 3834 §5: Auto-Submitted other than "no"
        case mailingList             // RFC 5230 §4.6: List-Id / List-* / Precedence bulk|list|junk
        case ownAddress              // RFC 5230 §4.6: never reply to ourselves
        case notAddressedToUs        // RFC 5230 §4.5: our address is not in To/Cc/Bcc/Resent-*
        case alreadyReplied          // RFC 5230 §4.2: within the period for this sender and handle
    }

    /// The addresses that are the user's own (from the account and aliases), lower-cased when compared.
    public var ownAddresses: [String]

    public init(ownAddresses: [String]) {
        self.ownAddresses = ownAddresses
    }

    /// - Parameters:
    ///   - header: the incoming message's header fields.
    ///   - envelopeFrom: MAIL FROM ("" for the null reverse-path).
    ///   - lastReplied: when we last replied to (sender, handle), if ever.
    public func decide(vacation: SieveVacation, header: HeaderFields, envelopeFrom: String, now: Date,
                       lastReplied: (_ sender: String, _ handle: String) -> Date?) -> Decision {
        let sender = Self.strip(envelopeFrom)
        guard !sender.isEmpty, sender.contains("@") else { return .skip(.nullSender) }
        let local = sender.split(separator: "@").first.map { $0.lowercased() } ?? ""
        // RFC 3834 §2 lists the usual automatic senders.
        if ["mailer-daemon", "postmaster", "listserv", "majordomo", "noreply", "no-reply"].contains(local)
            || local.hasPrefix("owner-") || local.hasSuffix("-request") || local.hasSuffix("-owner")
            || local.hasSuffix("-bounces") {
            return .skip(.automaticSender)
        }
        if let autoSubmitted = header.value(of: "Auto-Submitted"),
           autoSubmitted.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() != "no" {
            return .skip(.autoSubmitted)
        }
        if let precedence = header.value(of: "Precedence")?.trimmingCharacters(in: .whitespaces).lowercased(),
           ["bulk", "list", "junk"].contains(precedence) {
            return .skip(.mailingList)
        }
        let listFields = ["List-Id", "List-Unsubscribe", "List-Post", "List-Help", "List-Owner", "List-Subscribe"]
        if listFields.contains(where: { header.first(named: $0) != nil }) { return .skip(.mailingList) }

        let ours = Set((ownAddresses + vacation.addresses + [vacation.from].compactMap { $0 })
            .compactMap { SieveAddress.mailbox($0).map { ($0.localPart + "@" + $0.domain).lowercased() } })
        if ours.contains(sender.lowercased()) { return .skip(.ownAddress) }
        let recipientFields = ["To", "Cc", "Bcc", "Resent-To", "Resent-Cc", "Resent-Bcc"]
        let addressed = recipientFields.flatMap { header.all(named: $0) }.contains { field in
            SieveAddress.mailboxes(inHeaderValue: field.value).contains { mailbox in
                ours.contains((mailbox.localPart + "@" + (mailbox.domain ?? "")).lowercased())
            }
        }
        if !addressed { return .skip(.notAddressedToUs) }
        if vacation.period > 0, let last = lastReplied(sender.lowercased(), vacation.handle),
           now.timeIntervalSince(last) < Double(vacation.period) {
            return .skip(.alreadyReplied)
        }
        // RFC 5230 §4.5: without :subject, "Auto: " and the original subject.
        let original = header.value(of: "Subject").map(EncodedWord.decode) ?? ""
        let subject = vacation.subject ?? (original.isEmpty ? "Automated reply" : "Auto: " + original)
        return .reply(recipient: sender, subject: subject)
    }

    private static func strip(_ address: String) -> String {
        var text = address.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("<"), text.hasSuffix(">") { text = String(text.dropFirst().dropLast()) }
        return text
    }
}
