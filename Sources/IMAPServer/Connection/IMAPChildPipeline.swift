// How an accepted IMAP connection's pipeline is built: the listener's `childPipeline` closure.

import NIOCore
import NIOSSL
import ProtocolListener

/// Builds the handlers of one accepted connection and wraps it for the session task.
///
/// ```swift
/// childPipeline: { channel in
///     try IMAPChildPipeline.configure(channel, framing: framing,
///                                     implicitTLS: configuration.implicitTLS ? configuration.tlsContext : nil)
/// }
/// ```
enum IMAPChildPipeline {
    /// A client that reads nothing of a pending response for this long is disconnected.
    static let writeStallTimeout = TimeAmount.minutes(5)

    /// Runs on the child's event loop (inside the bootstrap's initializer): TLS first when
    /// `implicitTLS` is given (imaps, RFC 8314 §3.3), then the framing handler, then the driver
    /// that hands frames to the session and the writer it answers through.
    static func configure(
        _ channel: any Channel, framing: IMAPFramingHandler.Configuration, implicitTLS: NIOSSLContext?
    ) throws -> IMAPConnection {
        // A large FETCH (`UID FETCH 1:* (... ENVELOPE)`: 4 MB for 10,000 messages) is written in
        // pieces of `IMAPSession.fetchFlushThreshold`: with NIO's default 64 KiB high water mark the
        // session waited for the socket to drain after each piece and the socket idled while it
        // prepared the next. Still bounded: about 1 MiB queued per connection, none when idle.
        try channel.syncOptions?.setOption(.writeBufferWaterMark, value: .init(low: 256 * 1024, high: 1024 * 1024))
        // The channel keeps its receive buffer between reads for its whole life: 2 KiB by
        // default, 15 % of an idle connection (issue 8). Commands are short; a large APPEND
        // literal fills the buffer and the allocator doubles it up to the maximum within a few reads.
        try channel.syncOptions?.setOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(
            minimum: 64, initial: 512, maximum: 65_536))
        try ImplicitTLS.addServerHandler(implicitTLS, to: channel)
        let sync = channel.pipeline.syncOperations
        try sync.addHandler(IMAPFramingHandler(configuration: framing))
        try sync.addHandler(WriteStallTimeoutHandler(timeout: writeStallTimeout))
        let outbound = IMAPOutboundWriter(channel: channel)
        let driver = IMAPSessionDriver(channel: channel, outbound: outbound)
        try sync.addHandler(IMAPSessionDriver.Handler(driver: driver, outbound: outbound))
        return IMAPConnection(channel: channel, outbound: outbound, driver: driver)
    }
}
