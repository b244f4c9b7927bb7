// One message of the selected mailbox as SEARCH sees it: the sequence number is session state,
// the row is the store's.

import Foundation
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

extension IMAPSearchCandidate {
    /// A match known by its UID alone (SEARCH UNSEEN or FROM answered by the store): the row's
    /// other fields are empty. Only results read it, and they read the UID and the sequence
    /// number; its MODSEQ (0) is never reported, since such a key mentions no MODSEQ.
    init(sequenceNumber: UInt32, uid: UInt32, mailboxID: MailboxID) {
        self.init(sequenceNumber: sequenceNumber,
                  message: StoredMessage(id: 0, mailboxID: mailboxID, uid: uid, modSeq: 0, flags: [],
                                         internalDate: Date(timeIntervalSince1970: 0),
                                         saveDate: Date(timeIntervalSince1970: 0), size: 0, contentSHA256: "",
                                         prefixLength: 0, metadata: Data()))
    }
}
