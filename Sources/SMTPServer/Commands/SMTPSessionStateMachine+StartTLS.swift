// STARTTLS, RFC 3207: the command and the reset once TLS is up.

extension SMTPSessionStateMachine {
    /// TLS is up: RFC 3207 §4.2 says forget everything learnt before, including EHLO.
    public mutating func tlsEstablished() {
        tlsActive = true
        heloName = nil
        usedEHLO = false
        state = .awaitingHello
    }

    mutating func startTLS() -> Action {
        if tlsActive { return clientError(SMTPReply(503, "5.5.1", "TLS already active")) }
        guard configuration.tlsAvailable else { return .reply([SMTPReply(454, "4.7.0", "TLS not available")]) }
        if isInTransaction { return clientError(.badSequence) }
        state = .startingTLS
        return .startTLS(SMTPReply(220, "2.0.0", "Ready to start TLS"))
    }
}
