// Builds the wire ENVELOPE from the envelope MailMessage computed at delivery.

import MailMessage

extension IMAPEnvelope {
    /// RFC 9051 §7.5.2: the stored envelope already holds raw unfolded values and parsed address
    /// lists; sender and reply-to fall back to from here too, so an old stored form still obeys the rule.
    public init(_ envelope: MailMessage.Envelope) {
        let from = envelope.from.map(IMAPAddress.init)
        let sender = envelope.sender.map(IMAPAddress.init)
        let replyTo = envelope.replyTo.map(IMAPAddress.init)
        self.init(date: envelope.date, subject: envelope.subject, from: from,
                  sender: sender.isEmpty ? from : sender,
                  replyTo: replyTo.isEmpty ? from : replyTo,
                  to: envelope.to.map(IMAPAddress.init), cc: envelope.cc.map(IMAPAddress.init),
                  bcc: envelope.bcc.map(IMAPAddress.init),
                  inReplyTo: envelope.inReplyTo, messageID: envelope.messageID)
    }
}

extension IMAPAddress {
    /// RFC 9051 §7.5.2: a NIL host marks group syntax, so a mailbox always gets a host (and a
    /// mailbox name), even when the parsed address lacked one.
    public init(_ address: MailMessage.Address) {
        switch address.kind {
        case .groupStart:
            self = .groupStart(address.localPart ?? "")
        case .groupEnd:
            self = .groupEnd
        case .mailbox:
            self.init(name: address.displayName, adl: address.route,
                      mailbox: address.localPart ?? MailMessage.Address.missingMailbox,
                      host: address.domain ?? MailMessage.Address.missingDomain)
        }
    }
}
