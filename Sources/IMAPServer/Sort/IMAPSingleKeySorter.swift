// SORT with a single criterion (what clients send almost always, issue 8): the one key of each
// message packed into flat storage and sorted in place, instead of a SortableMessage per message.

import Foundation
import MailMessage
import MailStore

/// Orders messages by one SORT criterion straight from their sort records. The generic
/// `IMAPSorter` builds a SortableMessage (seven reference-counted keys) per message and moves
/// them through a merge sort; here each message is a plain entry (number, size or the offset of
/// its key in one shared byte buffer) whose moves retain nothing, and text keys are compared in
/// place with memcmp. Same order as `IMAPSorter` (tested side by side). Public for those tests.
public struct IMAPSingleKeySorter: Sendable {
    /// One message: only the field its criterion compares is meaningful.
    private struct Entry: Sendable {
        var instant: Double
        var size: Int
        var offset: Int
        var length: Int
        var sequenceNumber: UInt32
        var uid: UInt32
    }

    public let criterion: IMAPSortCriterion
    private var entries: [Entry] = []
    /// Every text key, end to end; an entry names its slice.
    private var keyBytes: [UInt8] = []

    public init(criterion: IMAPSortCriterion, capacity: Int = 0) {
        self.criterion = criterion
        entries.reserveCapacity(capacity)
    }

    /// Adds one message. `fallback` stands in for a record without stored keys, as in
    /// `SortableMessage(sequenceNumber:record:keys:)`.
    public mutating func append(sequenceNumber: UInt32, record: MessageSortRecord, fallback: MessageSortKeys? = nil) {
        var entry = Entry(instant: 0, size: record.size, offset: keyBytes.count, length: 0,
                          sequenceNumber: sequenceNumber, uid: record.uid)
        let keys = record.keys ?? fallback
        let text: [UInt8]
        switch criterion.key {
        case .arrival: entry.instant = record.internalDate.timeIntervalSinceReferenceDate; text = []
        // RFC 5256 §2.2: the sent date, or the internal date when there is none.
        case .date: entry.instant = (keys?.sentDate ?? record.internalDate).timeIntervalSinceReferenceDate; text = []
        case .size: text = []
        case .subject: text = keys?.subject ?? []
        case .from: text = keys?.from ?? []
        case .to: text = keys?.to ?? []
        case .cc: text = keys?.cc ?? []
        case .displayFrom: text = keys?.displayFrom ?? []
        case .displayTo: text = keys?.displayTo ?? []
        }
        entry.length = text.count
        keyBytes.append(contentsOf: text)
        entries.append(entry)
    }

    /// The UIDs and sequence numbers in SORT order, both from one sort (what the session
    /// caches); ties are broken by sequence number, which REVERSE does not reverse (RFC 5256 §3).
    func sortedOrder() -> IMAPSortOrder {
        let order = sortedEntries()
        return IMAPSortOrder(uids: order.map(\.uid), sequenceNumbers: order.map(\.sequenceNumber))
    }

    private func sortedEntries() -> [Entry] {
        var order = entries
        let key = criterion.key
        let reverse = criterion.reverse
        keyBytes.withUnsafeBufferPointer { bytes in
            order.sort { lhs, rhs in
                let comparison: Int
                switch key {
                case .arrival, .date: comparison = Self.compare(lhs.instant, rhs.instant)
                case .size: comparison = Self.compare(lhs.size, rhs.size)
                default: comparison = Self.compareBytes(lhs, rhs, bytes)
                }
                if comparison != 0 { return reverse ? comparison > 0 : comparison < 0 }
                return lhs.sequenceNumber < rhs.sequenceNumber
            }
        }
        return order
    }

    private static func compare<T: Comparable>(_ lhs: T, _ rhs: T) -> Int {
        lhs < rhs ? -1 : (lhs == rhs ? 0 : 1)
    }

    /// The two keys' slices as octet strings: memcmp over the common prefix, then shorter first.
    private static func compareBytes(_ lhs: Entry, _ rhs: Entry, _ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let common = min(lhs.length, rhs.length)
        if common > 0, let base = bytes.baseAddress {
            let order = memcmp(base + lhs.offset, base + rhs.offset, common)
            if order != 0 { return order < 0 ? -1 : 1 }
        }
        return lhs.length == rhs.length ? 0 : (lhs.length < rhs.length ? -1 : 1)
    }
}
