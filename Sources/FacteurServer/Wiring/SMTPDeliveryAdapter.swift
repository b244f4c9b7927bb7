// Connects the SMTP/LMTP sessions to the delivery pipeline and maps outcomes to the reply codes
// of RFC 5321 §4.2 with the enhanced status codes of RFC 3463.
import Delivery
import SMTPServer

struct SMTPDeliveryAdapter: SMTPReceiver {
    let pipeline: DeliveryPipeline

    func checkRecipient(_ recipient: SMTPRecipient, envelope: SMTPEnvelope, session: SMTPSessionInfo) async -> SMTPReply? {
        guard let failure = await pipeline.check(recipient: recipient.address) else { return nil }
        return Self.reply(for: failure, atRecipient: true)
    }

    func deliver(_ message: [UInt8], envelope: SMTPEnvelope, session: SMTPSessionInfo) async -> [SMTPReply] {
        let trace = ReceptionTrace(
            heloName: session.heloName, remoteAddress: session.remoteAddress, protocolName: session.protocolName,
            tlsDescription: session.tls.map { $0.cipher.isEmpty ? $0.version : "\($0.version) cipher=\($0.cipher)" },
            authenticatedUser: session.authenticatedUser, traceID: session.connectionID + "." + ReceptionTrace.makeTraceID())
        let stored = DeliveryEnvelope(
            reversePath: envelope.reversePath, body: envelope.body, smtpUTF8: envelope.smtpUTF8,
            dsnReturn: envelope.dsnReturn, dsnEnvelopeID: envelope.dsnEnvelopeID,
            recipients: envelope.recipients.map {
                DeliveryEnvelope.Recipient(address: $0.address, notify: $0.notify, originalRecipient: $0.originalRecipient)
            })
        // RFC 2033 §4.2: LMTP answers per recipient, so a Sieve reject refuses one recipient alone.
        let outcomes = await pipeline.deliver(InboundMessage(bytes: message, envelope: stored, trace: trace,
                                                             repliesPerRecipient: session.kind == .lmtp))
        return outcomes.map { outcome in
            switch outcome {
            case .delivered: return SMTPReply(250, "2.0.0", "Ok: stored as \(trace.traceID)")
            case .failed(let failure): return Self.reply(for: failure, atRecipient: false)
            // RFC 5429 §2.1.1: "SHOULD use the 550 response code"; 5.7.1 is RFC 3463's "delivery
            // not authorized, message refused".
            case .rejected(let reason): return SMTPReply(550, "5.7.1", reason)
            }
        }
    }

    static func reply(for failure: DeliveryFailure, atRecipient: Bool) -> SMTPReply {
        switch failure {
        case .invalidAddress: return SMTPReply(501, "5.1.3", "Bad recipient address syntax")
        case .notLocalDomain: return SMTPReply(554, "5.7.1", "Relay access denied")
        case .unknownUser: return SMTPReply(550, "5.1.1", "No such user here")
        case .overQuota:
            // Before the data the mailbox is simply full now: try later. After it, this message
            // does not fit: refuse it for good.
            return atRecipient ? SMTPReply(452, "4.2.2", "Mailbox full, try again later")
                               : SMTPReply(552, "5.2.2", "Mailbox full")
        case .temporary: return SMTPReply(451, "4.3.0", "Temporary local problem, try again later")
        }
    }
}
