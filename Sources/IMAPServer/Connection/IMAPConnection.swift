// One accepted IMAP connection as the listener and the session see it.

import NIOCore
import ProtocolListener

/// The channel, the writer the session answers through, and the driver that runs the session
/// while frames wait (built by `IMAPChildPipeline`).
struct IMAPConnection: ListenerConnection {
    let channel: any Channel
    let outbound: IMAPOutboundWriter
    let driver: IMAPSessionDriver
}
