// DATA (RFC 5321 §4.1.1.4) and BDAT (RFC 3030): their commands and their completion events.

extension SMTPSessionStateMachine {
    /// The end of DATA (CRLF.CRLF) was read. `tooLarge`: more than maxMessageSize was sent and
    /// dropped. `bareLineEnding`: a CR or LF outside CRLF was seen (see SMTPDataDecoder).
    public mutating func dataReceived(_ message: [UInt8], tooLarge: Bool, bareLineEnding: Bool) -> Action {
        guard case .receivingData(let envelope) = state else { return protocolBug() }
        if tooLarge { return failTransaction(envelope, .messageTooLarge) }
        if bareLineEnding {
            // RFC 5321 §2.3.8: CR and LF only as CRLF. Refused, not repaired: see SMTPDataDecoder.
            return failTransaction(envelope, SMTPReply(554, "5.6.0", "Bare CR or LF in message not allowed"))
        }
        state = .delivering(envelope)
        return .deliver(message, envelope)
    }

    /// A BDAT chunk was read; nil when it was discarded (`keep: false`).
    public mutating func chunkReceived(_ bytes: [UInt8]?) -> Action {
        guard case .receivingChunk(var chunking) = state else { return protocolBug() }
        if chunking.failure == nil, let bytes { chunking.message.append(contentsOf: bytes) }
        guard let envelope = chunking.envelope else {
            // BDAT without a transaction: its bytes are read and dropped, then the error is sent.
            state = heloName == nil ? .awaitingHello : .ready
            return clientError(chunking.failure ?? .badSequence)
        }
        if let failure = chunking.failure {
            if chunking.last {
                state = .ready
            } else {
                state = .chunking(chunking)
            }
            return replyForFailure(failure, envelope: envelope, final: chunking.last)
        }
        guard chunking.last else {
            state = .chunking(chunking)
            return .reply([SMTPReply(250, "2.0.0", "\(bytes?.count ?? 0) octets received")])
        }
        state = .delivering(envelope)
        return .deliver(chunking.message, envelope)
    }

    /// The receiver's per-recipient replies for the delivered message.
    public mutating func delivered(_ replies: [SMTPReply]) -> Action {
        guard case .delivering(let envelope) = state else { return protocolBug() }
        state = .ready
        let count = envelope.recipients.count
        // Defensive: the contract says one reply per recipient; pad with a temporary failure.
        var perRecipient = Array(replies.prefix(count))
        while perRecipient.count < count { perRecipient.append(SMTPReply(451, "4.3.0", "Delivery failed, try again later")) }
        if configuration.kind == .lmtp { return .reply(perRecipient) }  // RFC 2033 §4.2
        // SMTP: one reply, 250 when any recipient got it (SMTPReceiver's doc comment).
        if let success = perRecipient.first(where: { (200..<300).contains($0.code) }) { return .reply([success]) }
        return .reply([perRecipient.first ?? SMTPReply(554, "5.5.1", "No valid recipients")])
    }

    mutating func data() -> Action {
        switch state {
        case .mail(let envelope) where !envelope.recipients.isEmpty:
            // RFC 3030 §3: BINARYMIME bodies must come with BDAT.
            if envelope.body == "BINARYMIME" {
                return clientError(SMTPReply(503, "5.5.1", "BODY=BINARYMIME requires BDAT"))
            }
            state = .receivingData(envelope)
            return .startData(SMTPReply(354, nil, "End data with <CR><LF>.<CR><LF>"))
        case .mail:
            return .reply([noValidRecipients])
        default:
            // Includes DATA in the middle of a BDAT transaction, RFC 3030 §2.
            return clientError(.badSequence)
        }
    }

    // RFC 3030 §2: every BDAT's octets are read even when the command fails.
    mutating func bdat(size: Int, last: Bool) -> Action {
        var chunking: Chunking
        switch state {
        case .mail(let envelope):
            chunking = Chunking(envelope: envelope)
            if envelope.recipients.isEmpty { chunking.failure = noValidRecipients }
        case .chunking(let ongoing):
            chunking = ongoing
        default:
            chunking = Chunking(envelope: nil, failure: heloName == nil ? SMTPReply(503, "5.5.1", "Send EHLO first") : .badSequence)
        }
        chunking.last = last
        // RFC 1870 §6 applied to BDAT: past the limit, keep reading but drop the bytes, then 552.
        if chunking.failure == nil, size > configuration.maxMessageSize - chunking.message.count {
            chunking.failure = .messageTooLarge
            chunking.message = []
        }
        state = .receivingChunk(chunking)
        return .readChunk(size: size, keep: chunking.failure == nil)
    }
}
