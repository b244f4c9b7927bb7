// The signal the change hub sends an idling connection.

/// Sent from any thread with `channel.triggerUserOutboundEvent(IMAPMailboxChangedEvent(), promise: nil)`
/// when a mailbox the connection watches changed. It carries no data: the session asks the store
/// what changed, so lost or merged signals cost nothing but a query.
public struct IMAPMailboxChangedEvent: Sendable {
    public init() {}
}
