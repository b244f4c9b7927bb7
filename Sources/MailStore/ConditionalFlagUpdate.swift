// The outcome of a conditional flag change (RFC 7162 §3.1.3 STORE ... (UNCHANGEDSINCE n)).

/// What `MailStore.updateFlags(mailboxID:uids:operation:flags:unchangedSince:)` did: the messages
/// that passed the UNCHANGEDSINCE test (changed or already as asked) and those that failed it,
/// both as they are after the transaction, so IMAP can answer FETCH and MODIFIED without a re-read.
public struct ConditionalFlagUpdate: Sendable, Equatable {
    /// Messages whose MODSEQ was at most the limit: the operation was applied (a real change bumps
    /// their MODSEQ; a no-op leaves it), in UID order.
    public var updated: [StoredMessage]
    /// Messages whose MODSEQ was above the limit: left untouched, in UID order.
    public var modified: [StoredMessage]

    public init(updated: [StoredMessage], modified: [StoredMessage]) {
        self.updated = updated
        self.modified = modified
    }
}
