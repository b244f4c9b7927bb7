// What SORT and THREAD need of one message, taken from the summary stored at delivery (never
// the message bytes) and the store's row.

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
    /// Case-mapped sort keys (SortCollation).
    public var fromKey: [UInt8]
    public var toKey: [UInt8]
    public var ccKey: [UInt8]
    public var displayFromKey: [UInt8]
    public var displayToKey: [UInt8]
    public var baseSubject: BaseSubject
    public var subjectKey: [UInt8]
    /// Normalized Message-ID (ThreadMessageID), nil when absent or invalid.
    public var messageID: String?
    /// RFC 5256 §3 REFERENCES: the References ids, or the first In-Reply-To id.
    public var references: [String]

    public init(sequenceNumber: UInt32, uid: UInt32, arrival: Date, sentDate: Date, size: Int,
                fromKey: [UInt8] = [], toKey: [UInt8] = [], ccKey: [UInt8] = [],
                displayFromKey: [UInt8] = [], displayToKey: [UInt8] = [], subject: String = "",
                messageID: String? = nil, references: [String] = []) {
        self.sequenceNumber = sequenceNumber
        self.uid = uid
        self.arrival = arrival
        self.sentDate = sentDate
        self.size = size
        self.fromKey = fromKey
        self.toKey = toKey
        self.ccKey = ccKey
        self.displayFromKey = displayFromKey
        self.displayToKey = displayToKey
        self.baseSubject = BaseSubject(subject)
        self.subjectKey = SortCollation.key(baseSubject.text)
        self.messageID = messageID
        self.references = references
    }

    /// The keys of a stored message from its delivery summary.
    public init(sequenceNumber: UInt32, message: StoredMessage, summary: MessageSummary) {
        let envelope = summary.envelope
        // RFC 5256 §3: "addr-mailbox of the first ... address"; absent is the empty string.
        func mailbox(_ addresses: [Address]) -> [UInt8] { SortCollation.key(addresses.first?.localPart ?? "") }
        var references = ThreadMessageID.all(in: summary.search.references)
        if references.isEmpty, let parent = envelope.inReplyTo.flatMap(ThreadMessageID.first(in:)) {
            references = [parent]
        }
        self.init(sequenceNumber: sequenceNumber, uid: message.uid, arrival: message.internalDate,
                  sentDate: summary.search.sentDate?.date ?? message.internalDate, size: message.size,
                  fromKey: mailbox(envelope.from), toKey: mailbox(envelope.to), ccKey: mailbox(envelope.cc),
                  displayFromKey: SortCollation.key(Self.displayValue(envelope.from)),
                  displayToKey: SortCollation.key(Self.displayValue(envelope.to)),
                  subject: summary.search.subject,
                  messageID: envelope.messageID.flatMap(ThreadMessageID.first(in:)), references: references)
    }

    /// RFC 5957 §3: the decoded display name of the first address, else mailbox@host, else the
    /// mailbox, else empty.
    static func displayValue(_ addresses: [Address]) -> String {
        guard let first = addresses.first else { return "" }
        if let name = first.displayName {
            let decoded = EncodedWord.decode(name)
            if !decoded.isEmpty { return decoded }
        }
        if let local = first.localPart, let domain = first.domain { return "\(local)@\(domain)" }
        return first.localPart ?? ""
    }
}
