// The signal the listener sends every connection on graceful shutdown.

/// Sent with `Channel.triggerUserOutboundEvent`; the session receives `.shutdown` as soon as it
/// waits for the client, so a command in progress finishes first.
public struct IMAPShutdownEvent: Sendable {
    public init() {}
}
