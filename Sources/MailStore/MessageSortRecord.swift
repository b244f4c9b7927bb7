// What SORT and THREAD read of one message (issue 8): the row's own columns and the header keys
// stored at delivery, without the summary.
import Foundation
import MailMessage

/// One message's sort record. `keys` holds only the families asked for (`Fields`); the others
/// are left empty. Nil keys: the store has neither stored keys nor a summary for the row, and the
/// caller derives them from the message itself. Public and Sendable: the store hands it to IMAP
/// sessions.
public struct MessageSortRecord: Sendable, Equatable {
    public var uid: UInt32
    /// INTERNALDATE (RFC 5256 ARRIVAL).
    public var internalDate: Date
    /// RFC822.SIZE (RFC 5256 SIZE).
    public var size: Int
    public var keys: MessageSortKeys?

    /// RFC 5256 §2.2: the sent date, or the internal date when the message has no valid Date.
    public var sentDate: Date { keys?.sentDate ?? internalDate }

    public init(uid: UInt32, internalDate: Date, size: Int, keys: MessageSortKeys?) {
        self.uid = uid
        self.internalDate = internalDate
        self.size = size
        self.keys = keys
    }

    /// The key families a SORT or THREAD needs, so the store reads only those columns (UID, dates
    /// and size always come).
    public struct Fields: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// Base subject and its reply/forward flag.
        public static let subject = Fields(rawValue: 1)
        /// First From addr-mailbox alone: SORT (FROM) reads one column, not three.
        public static let from = Fields(rawValue: 2)
        /// First To addr-mailbox.
        public static let to = Fields(rawValue: 4)
        /// First Cc addr-mailbox.
        public static let cc = Fields(rawValue: 8)
        /// RFC 5957 display value of From.
        public static let displayFrom = Fields(rawValue: 16)
        /// RFC 5957 display value of To.
        public static let displayTo = Fields(rawValue: 32)
        /// Message-ID and references (THREAD=REFERENCES).
        public static let threading = Fields(rawValue: 64)
        /// First From, To, Cc addr-mailbox.
        public static let addresses: Fields = [.from, .to, .cc]
        /// RFC 5957 display values of From and To.
        public static let displayNames: Fields = [.displayFrom, .displayTo]
        public static let all: Fields = [.subject, .addresses, .displayNames, .threading]
    }

    /// The record of a stored message from its summary: for stores without sort columns and for
    /// rows stored before them. No summary (or an unreadable one) leaves the keys nil.
    public init(message: StoredMessage) {
        let summary = message.metadata.isEmpty ? nil : try? MessageSummary.decode(message.metadata)
        self.init(uid: message.uid, internalDate: message.internalDate, size: message.size,
                  keys: summary.map(MessageSortKeys.init(summary:)))
    }
}
