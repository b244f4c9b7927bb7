// One message of the selected mailbox as SEARCH sees it: the sequence number is session state,
// the row is the store's.

import MailStore

/// A message the search may return. The session builds one per message of the selected mailbox,
/// because sequence numbers exist only in the session while the rest comes from the store.
public struct IMAPSearchCandidate: Sendable, Equatable {
    public var sequenceNumber: UInt32
    public var message: StoredMessage

    public init(sequenceNumber: UInt32, message: StoredMessage) {
        self.sequenceNumber = sequenceNumber
        self.message = message
    }

    public var uid: UInt32 { message.uid }
}
