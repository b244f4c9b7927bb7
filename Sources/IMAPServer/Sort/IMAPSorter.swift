// SORT's ordering (RFC 5256 §3, RFC 5957 §4) over precomputed keys.

import Foundation
import MailMessage

/// Orders matched messages by a SORT program. Pure: tested without a store or a session.
public enum IMAPSorter {
    /// `messages` in the order of `criteria`, ties broken by sequence number (RFC 5256 §3: "an
    /// implicit sort criterion of sequence number", which REVERSE does not reverse).
    public static func sort(_ messages: [SortableMessage], by criteria: [IMAPSortCriterion]) -> [SortableMessage] {
        // The positions are sorted, not the messages: moving a SortableMessage (a dozen
        // reference-counted keys) during the merge sort cost more than all the comparisons.
        let order = messages.withUnsafeBufferPointer { buffer in
            Array(buffer.indices).sorted { precedes(buffer[$0], buffer[$1], criteria) }
        }
        return order.map { messages[$0] }
    }

    private static func precedes(_ lhs: SortableMessage, _ rhs: SortableMessage, _ criteria: [IMAPSortCriterion]) -> Bool {
        for criterion in criteria {
            let order = compare(lhs, rhs, criterion.key)
            if order == 0 { continue }
            return criterion.reverse ? order > 0 : order < 0
        }
        return lhs.sequenceNumber < rhs.sequenceNumber
    }

    /// -1, 0 or 1 as `lhs` sorts before, with or after `rhs` under `key` (ascending).
    static func compare(_ lhs: SortableMessage, _ rhs: SortableMessage, _ key: IMAPSortKey) -> Int {
        switch key {
        case .arrival: return compare(lhs.arrival, rhs.arrival)
        case .date: return compare(lhs.sentDate, rhs.sentDate)
        case .size: return compare(lhs.size, rhs.size)
        case .cc: return compare(lhs.ccKey, rhs.ccKey)
        case .from: return compare(lhs.fromKey, rhs.fromKey)
        case .to: return compare(lhs.toKey, rhs.toKey)
        case .subject: return compare(lhs.subjectKey, rhs.subjectKey)
        case .displayFrom: return compare(lhs.displayFromKey, rhs.displayFromKey)
        case .displayTo: return compare(lhs.displayToKey, rhs.displayToKey)
        }
    }

    private static func compare<T: Comparable>(_ lhs: T, _ rhs: T) -> Int {
        lhs < rhs ? -1 : (lhs == rhs ? 0 : 1)
    }

    /// One memcmp over the common prefix, then the shorter key first: the generic `==` followed
    /// by `lexicographicallyPrecedes` walked equal keys (many messages share a sender) twice.
    private static func compare(_ lhs: [UInt8], _ rhs: [UInt8]) -> Int {
        lhs.withUnsafeBufferPointer { left in
            rhs.withUnsafeBufferPointer { right in
                let common = min(left.count, right.count)
                if common > 0, let a = left.baseAddress, let b = right.baseAddress {
                    let order = memcmp(a, b, common)
                    if order != 0 { return order < 0 ? -1 : 1 }
                }
                return left.count == right.count ? 0 : (left.count < right.count ? -1 : 1)
            }
        }
    }
}
