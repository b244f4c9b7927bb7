// MAIL (RFC 5321 §4.1.1.2) and RCPT (RFC 5321 §4.1.1.3) with their extension rules.

extension SMTPSessionStateMachine {
    // RFC 5321 §4.1.1.2, §4.1.4: MAIL needs EHLO/HELO and no transaction in progress.
    mutating func mail(_ envelope: SMTPEnvelope) -> Action {
        guard case .ready = state else {
            return clientError(heloName == nil ? SMTPReply(503, "5.5.1", "Send EHLO first") : .badSequence)
        }
        let usesExtensions = envelope.body != nil || envelope.declaredSize != nil || envelope.smtpUTF8
            || envelope.dsnReturn != nil || envelope.dsnEnvelopeID != nil
        if usesExtensions && !usedEHLO {
            // RFC 5321 §4.1.1.11: parameters only for extensions announced in an EHLO reply.
            return clientError(SMTPReply(555, "5.5.4", "Parameters need EHLO"))
        }
        // RFC 1870 §6.1: refuse at MAIL when the declared size is already too large.
        if let size = envelope.declaredSize, size > configuration.maxMessageSize {
            return .reply([.messageTooLarge])
        }
        state = .mail(envelope)
        return .reply([SMTPReply(250, "2.1.0", "Ok")])
    }

    mutating func recipientCommand(_ recipient: SMTPRecipient) -> Action {
        guard case .mail(let envelope) = state else { return clientError(.badSequence) }
        if !usedEHLO && (recipient.notify != nil || recipient.originalRecipient != nil) {
            return clientError(SMTPReply(555, "5.5.4", "Parameters need EHLO"))
        }
        // RFC 6531 §3.5: UTF-8 mailboxes only in an SMTPUTF8 transaction.
        if !envelope.smtpUTF8 && recipient.address.utf8.contains(where: { $0 >= 0x80 }) {
            return .reply([SMTPCommandError.nonASCIIAddress.reply])
        }
        // RFC 5321 §4.5.3.1.10: past our buffer, 452 and the client sends the rest later.
        if envelope.recipients.count >= configuration.maxRecipients {
            return .reply([SMTPReply(452, "4.5.3", "Too many recipients")])
        }
        state = .checkingRecipient(envelope)
        return .checkRecipient(recipient, envelope)
    }
}
