// What SORT and THREAD need of one message, taken from the sort record the store keeps beside
// the row (issue 8: stored at delivery, never the message bytes or its summary).

import Foundation
import MailMessage
import MailStore

/// One matched message with every sort and thread key precomputed once, so comparisons during
/// the sort are cheap. Public so tests and other modules can feed the sorter and threader.
public struct SortableMessage: Sendable, Equatable {
    /// Sequence number (the implicit last sort criterion, RFC 5256 §3) and what the response
    /// reports: the sequence number or the UID.
    public var sequenceNumber: UInt32
    public var uid: UInt32
    /// INTERNALDATE (ARRIVAL).
    public var arrival: Date
    /// RFC 5256 §2.2: the Date header as an instant, or INTERNALDATE when it is missing or bad.
    public var sentDate: Date
    public var size: Int
    /// Collated sort keys (SortCollation).
    public var fromKey: [UInt8]
    public var toKey: [UInt8]
    public var ccKey: [UInt8]
    public var displayFromKey: [UInt8]
    public var displayToKey: [UInt8]
    /// The collated base subject (RFC 5256 §2.1).
    public var subjectKey: [UInt8]
    /// True when base subject extraction removed a reply or forward artifact (THREAD step 5).
    public var isReplyOrForward: Bool
    /// Normalized Message-ID (ThreadMessageID), nil when absent or invalid.
    public var messageID: String?
    /// RFC 5256 §3 REFERENCES: the References ids, or the first In-Reply-To id.
    public var references: [String]

    public init(sequenceNumber: UInt32, uid: UInt32, arrival: Date, sentDate: Date, size: Int,
                fromKey: [UInt8] = [], toKey: [UInt8] = [], ccKey: [UInt8] = [],
                displayFromKey: [UInt8] = [], displayToKey: [UInt8] = [], subject: String = "",
                messageID: String? = nil, references: [String] = []) {
        let base = BaseSubject(subject)
        self.init(sequenceNumber: sequenceNumber, uid: uid, arrival: arrival, size: size,
                  keys: MessageSortKeys(sentDate: sentDate, subject: SortCollation.key(base.text),
                                        isReplyOrForward: base.isReplyOrForward, from: fromKey, to: toKey, cc: ccKey,
                                        displayFrom: displayFromKey, displayTo: displayToKey,
                                        messageID: messageID, references: references))
    }

    /// The keys as the store keeps them; `keys.sentDate` nil means the internal date.
    public init(sequenceNumber: UInt32, uid: UInt32, arrival: Date, size: Int, keys: MessageSortKeys) {
        self.sequenceNumber = sequenceNumber
        self.uid = uid
        self.arrival = arrival
        self.sentDate = keys.sentDate ?? arrival
        self.size = size
        self.fromKey = keys.from
        self.toKey = keys.to
        self.ccKey = keys.cc
        self.displayFromKey = keys.displayFrom
        self.displayToKey = keys.displayTo
        self.subjectKey = keys.subject
        self.isReplyOrForward = keys.isReplyOrForward
        self.messageID = keys.messageID
        self.references = keys.references
    }

    /// A stored message's sort record; `keys` stands in when the record has none.
    public init(sequenceNumber: UInt32, record: MessageSortRecord, keys: MessageSortKeys? = nil) {
        self.init(sequenceNumber: sequenceNumber, uid: record.uid, arrival: record.internalDate, size: record.size,
                  keys: record.keys ?? keys ?? MessageSortKeys())
    }
}
