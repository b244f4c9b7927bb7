// EHLO/HELO (RFC 5321 §4.1.1.1) and LHLO (RFC 2033 §4.1).

extension SMTPSessionStateMachine {
    // RFC 5321 §4.1.4: EHLO/HELO may be repeated and reset the transaction like RSET.
    mutating func hello(_ command: SMTPCommand, name: String) -> Action {
        if isInChunkingOrData { return clientError(.badSequence) }
        switch (command, configuration.kind) {
        case (.lhlo, .lmtp), (.ehlo, .smtp), (.ehlo, .submission), (.helo, .smtp), (.helo, .submission):
            break
        case (.lhlo, _):
            return clientError(SMTPReply(500, "5.5.2", "Command unrecognized"))
        default:
            // RFC 2033 §4.1: an LMTP server must not answer HELO/EHLO positively.
            return clientError(SMTPReply(500, "5.5.1", "This is LMTP: use LHLO"))
        }
        heloName = name
        state = .ready
        if case .helo = command {
            usedEHLO = false
            return .reply([SMTPReply(250, nil, "\(configuration.hostname)")])
        }
        usedEHLO = true
        return .reply([SMTPReply(code: 250, enhancedCode: nil,
                                 lines: ["\(configuration.hostname) greets \(name)"] + extensions)])
    }
}
