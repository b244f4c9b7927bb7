// What Sieve decided for one account's copy of a message: where to store it, what to queue, what
// to remember, or that it is refused. The pipeline carries it out after the append committed.
import MailStore

struct SieveDisposition: Sendable {
    var copies: [DeliveryCopy]
    /// Redirects and vacation replies, queued once the copies are stored (RFC 5228 §4.2, RFC 5230).
    var outbound: [OutboundMessage] = []
    /// Duplicate and vacation records, written with the queue entries (RFC 7352 §3: only after a
    /// successful delivery).
    var memory: [SieveMemoryRecord] = []
    /// RFC 5429: the script refused the message with this reason (no copies then).
    var rejection: String?

    static func keep(_ prepared: PreparedMessage) -> SieveDisposition {
        SieveDisposition(copies: [.inbox(prepared)])
    }
}
