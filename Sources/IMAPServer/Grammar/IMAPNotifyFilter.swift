// The `filter-mailboxes` of one NOTIFY event group (RFC 5465 §6, §8).

/// Which mailboxes an event group covers.
public enum IMAPNotifyFilter: Sendable, Equatable {
    /// §6.1.1: the selected mailbox, notified at once.
    case selected
    /// §6.1.2: the selected mailbox, expunges held until a command allows them.
    case selectedDelayed
    /// §6.3: mailboxes that receive deliveries.
    case inboxes
    /// §6.2: every mailbox of the personal namespace.
    case personal
    /// §6.4: the subscribed mailboxes, re-evaluated as subscriptions change.
    case subscribed
    /// §6.5: each named mailbox and every mailbox below it.
    case subtree([IMAPMailboxName])
    /// §6.6: exactly the named mailboxes, with no wildcard expansion.
    case mailboxes([IMAPMailboxName])

    /// SELECTED or SELECTED-DELAYED: only message events, only the selected mailbox (§6.1).
    public var isSelected: Bool {
        self == .selected || self == .selectedDelayed
    }
}
