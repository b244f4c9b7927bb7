// NOTIFY (RFC 5465): the command, and the notifications a session sends about its account's
// other mailboxes whenever the change hub wakes it, between commands as well as during IDLE.

import MailStore

extension IMAPSession {
    mutating func notify(_ command: IMAPNotifyCommand, account: Account, _ outbound: Outbound) async throws -> CommandOutcome {
        switch command {
        case .none:
            try await stopNotifications(outbound)
            return .done(.ok("NOTIFY completed"))
        case .set(let sendStatus, let groups):
            // RFC 5465 §3.1: an unsupported event is a NO with BADEVENT listing what is supported;
            // the previous NOTIFY setting stays.
            guard IMAPNotifyState.unsupportedEvents(in: groups).isEmpty else {
                let supported = "(" + IMAPNotifyEvent.supportedNames.joined(separator: " ") + ")"
                return .done(.no("Unsupported NOTIFY event", code: .other("BADEVENT", supported)))
            }
            var notify = IMAPNotifyState(groups: groups)
            // Registered before the mailboxes are read, so no change falls between (hub notes).
            notify.accountGeneration = dependencies.hub.watchAccount(account.id, channel: connection.channel)
            let mailboxes = try await store.mailboxes(accountID: account.id)
            for response in notify.start(with: mailboxes, selectedID: selected?.mailbox.id,
                                         condStore: condStoreEnabled, sendStatus: sendStatus) {
                queue(.untagged(response))
            }
            if self.notify == nil { try await outbound.write(.setNotifications(true)) }
            // §3.1: the selected mailbox's changes are pushed between commands too.
            if let selected { dependencies.hub.setWake(selected.mailbox.id, channel: connection.channel, to: true) }
            self.notify = notify
            // §3.1: NOTIFY SET implies a NOOP; `execute` adds the selected mailbox's updates.
            return .done(.ok("NOTIFY completed"))
        }
    }

    /// NOTIFY NONE, overflow, UNAUTHENTICATE, logout: no more notifications and no more wake-ups.
    mutating func stopNotifications(_ outbound: Outbound) async throws {
        guard notify != nil else { return }
        notify = nil
        if let account { dependencies.hub.unwatchAccount(account.id, channel: connection.channel) }
        if case .commands = mode, let selected {
            dependencies.hub.setWake(selected.mailbox.id, channel: connection.channel, to: false)
        }
        try await outbound.write(.setNotifications(false))
    }

    /// Queues STATUS and LIST notifications for what changed in the account since the last look.
    /// Asks the store only when the hub saw a change, unless `force` (after the session's own
    /// mailbox commands, whose changes reach the hub later).
    mutating func queueNotifications(_ outbound: Outbound, force: Bool = false, announceNames: Bool = true) async throws {
        guard var notify, let account else { return }
        let generation = dependencies.hub.accountGeneration(of: account.id)
        guard force || generation != notify.accountGeneration else { return }
        notify.accountGeneration = generation
        let mailboxes = try await store.mailboxes(accountID: account.id)
        let responses = notify.changes(now: mailboxes, selectedID: selected?.mailbox.id, condStore: condStoreEnabled,
                                       announceNames: announceNames)
        guard responses.count <= configuration.maxPendingNotifications else {
            // RFC 5465 §5.8: say so, then behave as after NOTIFY NONE.
            queue(.untagged(.state(.ok("Too many notifications; NOTIFY is off", code: .other("NOTIFICATIONOVERFLOW", nil)))))
            try await stopNotifications(outbound)
            return
        }
        self.notify = notify
        for response in responses { queue(.untagged(response)) }
    }

    /// The change hub woke the session while it waited for the client: IDLE (RFC 2177) or
    /// NOTIFY (RFC 5465 §3.1, unsolicited responses between commands).
    mutating func reportChanges(idling: Bool, _ outbound: Outbound) async throws {
        if let selectedEvents = notify?.selected {
            let before = selected?.highestUID ?? 0
            // §6.1.2: SELECTED-DELAYED holds expunges back until a command allows them.
            try await queueUpdates(allowExpunge: idling || !selectedEvents.delayed)
            // §5.2: EXISTS, then a FETCH of what MessageNew asked for, for each new message.
            if selectedEvents.events.contains(.messageNew), !selectedEvents.fetchAttributes.isEmpty,
               let after = selected?.highestUID, after > before {
                _ = try await fetch(.range(before + 1, after), selectedEvents.fetchAttributes, modifiers: [],
                                    byUID: true, outbound)
            }
        } else if idling && notify == nil {
            try await queueUpdates(allowExpunge: true)
        }
        // With NOTIFY on but no SELECTED filter, the selected mailbox's updates wait for the
        // next command (§4: IDLE sends exactly what NOTIFY asked for).
        try await queueNotifications(outbound)
    }

    /// After every successful command: SUBSCRIBE wakes the account's NOTIFY sessions; with NOTIFY
    /// on, the session's own mailbox commands update the snapshot without announcing themselves
    /// (RFC 5465 §5 SHOULD).
    mutating func notifyAfterCommand(_ kind: IMAPCommandKind, _ outbound: Outbound) async throws {
        if case .subscribe = kind, let account { dependencies.hub.publishAccountChange(account.id) }
        if case .unsubscribe = kind, let account { dependencies.hub.publishAccountChange(account.id) }
        guard notify != nil else { return }
        let ownNameChange: Bool
        switch kind {
        case .subscribe, .unsubscribe:
            ownNameChange = true
        case .create, .delete, .rename: ownNameChange = true
        case .notify: return
        default: ownNameChange = false
        }
        try await queueNotifications(outbound, force: ownNameChange, announceNames: !ownNameChange)
    }
}
