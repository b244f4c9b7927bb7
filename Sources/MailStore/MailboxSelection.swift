// What SELECT/EXAMINE report about a mailbox (RFC 9051 §6.3.2), read as one snapshot.

/// The state a session starts from when it selects a mailbox. Read in one transaction, so the
/// UIDs, UIDNEXT and HIGHESTMODSEQ agree with each other even while mail is being delivered.
public struct MailboxSelection: Sendable, Equatable {
    /// The mailbox as of the snapshot (UIDNEXT, HIGHESTMODSEQ, counts).
    public var mailbox: Mailbox
    /// Every UID, ascending: sequence number n is `uids[n - 1]`.
    public var uids: [UInt32]
    /// The lowest UID without \Seen, nil when every message is seen (RFC 3501 `[UNSEEN n]`).
    public var firstUnseenUID: UInt32?
    /// Keywords set on some message, each once (first spelling met), for FLAGS and PERMANENTFLAGS.
    public var keywords: [String]

    public init(mailbox: Mailbox, uids: [UInt32], firstUnseenUID: UInt32?, keywords: [String]) {
        self.mailbox = mailbox
        self.uids = uids
        self.firstUnseenUID = firstUnseenUID
        self.keywords = keywords
    }
}
