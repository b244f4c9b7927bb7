// What the shared accept loop needs of one accepted connection, whatever wraps it.

import NIOCore

/// An accepted connection as `ConnectionListener` tracks it: the listener only needs the channel,
/// to send the shutdown event and to close what is left after the grace period.
public protocol ListenerConnection: Sendable {
    var channel: any Channel { get }
}

extension NIOAsyncChannel: ListenerConnection {}

/// The listener of a protocol whose session reads frames from and writes instructions to an
/// `NIOAsyncChannel` (SMTP/LMTP, POP3, ManageSieve).
public typealias ProtocolListener<Inbound: Sendable, Outbound: Sendable> =
    ConnectionListener<NIOAsyncChannel<Inbound, Outbound>>
