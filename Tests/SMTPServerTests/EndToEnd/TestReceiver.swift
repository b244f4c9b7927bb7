// An in-memory SMTPReceiver for the end-to-end tests (the real store is wired by FacteurServer).

@testable import SMTPServer

actor TestReceiver: SMTPReceiver {
    struct Delivery: Sendable {
        var message: [UInt8]
        var envelope: SMTPEnvelope
        var session: SMTPSessionInfo
    }

    /// Refused at RCPT time with 550 5.1.1.
    let unknownUsers: Set<String>
    /// Refused at delivery time (after DATA) with 452 4.2.2.
    let fullMailboxes: Set<String>
    private(set) var deliveries: [Delivery] = []
    private(set) var recipientChecks = 0

    init(unknownUsers: Set<String> = [], fullMailboxes: Set<String> = []) {
        self.unknownUsers = unknownUsers
        self.fullMailboxes = fullMailboxes
    }

    func checkRecipient(_ recipient: SMTPRecipient, envelope: SMTPEnvelope, session: SMTPSessionInfo) async -> SMTPReply? {
        recipientChecks += 1
        return unknownUsers.contains(recipient.address) ? SMTPReply(550, "5.1.1", "No such user") : nil
    }

    func deliver(_ message: [UInt8], envelope: SMTPEnvelope, session: SMTPSessionInfo) async -> [SMTPReply] {
        deliveries.append(Delivery(message: message, envelope: envelope, session: session))
        return envelope.recipients.map { recipient in
            fullMailboxes.contains(recipient.address)
                ? SMTPReply(452, "4.2.2", "\(recipient.address) mailbox full")
                : SMTPReply(250, "2.0.0", "\(recipient.address) stored")
        }
    }
}
