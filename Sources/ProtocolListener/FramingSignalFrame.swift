// The frames a framing handler makes up itself rather than cuts from the client's bytes.

/// A protocol's inbound frame type, as `FramingFlowControl` needs it: the two signals it sends
/// the session on its own. The frame enums' own cases `timedOut` and `shutdown` satisfy it, so
/// conforming takes an empty extension, and the flow control stores no frame per connection.
/// Sendable because the timer's closure names the type from the event loop's scheduler.
public protocol FramingSignalFrame: Sendable {
    /// The client was silent longer than the protocol's timer allows.
    static var timedOut: Self { get }
    /// The server is shutting down: the session says its goodbye.
    static var shutdown: Self { get }
}
