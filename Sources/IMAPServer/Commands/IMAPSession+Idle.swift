// IDLE (RFC 2177, RFC 9051 §6.3.13): the session reports changes as the change hub announces
// them, until the client sends DONE.

extension IMAPSession {
    mutating func startIdle(tag: String) async throws -> CommandOutcome {
        // Woken from here on; asked before the look below, so no change falls between the two.
        if let selected { dependencies.hub.setWake(selected.mailbox.id, channel: connection.channel, to: true) }
        try await queueUpdates(allowExpunge: true)
        queue(.continuation(.text("idling")))
        mode = .idling(tag: tag)
        return .continued(.idle)
    }

    mutating func endIdle(tag: String, line: IMAPCommandFrame, _ outbound: Outbound) async throws -> Bool {
        mode = .commands
        // Busy again: changes are looked for at each command, an event would be dropped unread.
        if notify == nil, let selected {
            dependencies.hub.setWake(selected.mailbox.id, channel: connection.channel, to: false)
        }
        if IMAPCommandParser.isIdleDone(line) {
            try await queueUpdates(allowExpunge: true)
            queue(.tagged(tag: tag, .ok("IDLE terminated")))
        } else {
            queue(.tagged(tag: tag, .bad("Expected DONE to end IDLE")))
        }
        try await flush(then: .command, outbound)
        return true
    }
}
