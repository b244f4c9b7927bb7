// The orders this session's recent `SORT ... ALL` commands computed (issue 8): a client that sorts
// a large mailbox again (a new view, a refresh) gets the answer without reading 10,000 rows.

import MailStore

/// A few SORT orders of whole mailboxes, each valid for exactly the UIDs it was computed over.
/// The sort keys of a message never change once it is stored (they come from its header, date
/// and size, not its flags), so an order stays right while the mailbox holds the same UIDs: the
/// view's UID list is the key, checked in full on every look-up (a few microseconds for 10,000
/// UIDs), and any APPEND or EXPUNGE the session has taken in makes a miss. Dovecot keeps sort
/// indexes for the same reason. Bounded: `capacity` entries, the least recently used dropped.
struct IMAPSortCache: Sendable {
    private struct Entry: Sendable {
        var mailboxID: MailboxID
        var uidValidity: UInt32
        var criteria: [IMAPSortCriterion]
        /// The view's UIDs (ascending) when the order was computed.
        var uids: [UInt32]
        /// The matching messages in SORT order, as UIDs and as sequence numbers of that view.
        var order: IMAPSortOrder
    }

    /// Entries kept: one per criteria list a client typically alternates between.
    static let capacity = 4

    private var entries: [Entry] = []

    init() {}

    /// The cached order for `criteria` over exactly `uids` of this mailbox, if any.
    mutating func order(mailbox: Mailbox, criteria: [IMAPSortCriterion], uids: [UInt32]) -> IMAPSortOrder? {
        guard let position = entries.firstIndex(where: {
            $0.mailboxID == mailbox.id && $0.uidValidity == mailbox.uidValidity && $0.criteria == criteria
                && $0.uids == uids
        }) else { return nil }
        let entry = entries.remove(at: position)
        entries.append(entry)
        return entry.order
    }

    /// Remembers `order` for `criteria` over `uids`.
    mutating func remember(mailbox: Mailbox, criteria: [IMAPSortCriterion], uids: [UInt32], order: IMAPSortOrder) {
        entries.removeAll { $0.mailboxID == mailbox.id && $0.criteria == criteria }
        // Entries of another mailbox (or an older view of this one) are dead weight now.
        entries.removeAll { $0.mailboxID != mailbox.id || $0.uids != uids }
        if entries.count >= Self.capacity { entries.removeFirst() }
        entries.append(Entry(mailboxID: mailbox.id, uidValidity: mailbox.uidValidity, criteria: criteria,
                             uids: uids, order: order))
    }

    var count: Int { entries.count }
}

/// One SORT answer both ways: UID SORT sends `uids`, SORT `sequenceNumbers` (same positions).
struct IMAPSortOrder: Sendable, Equatable {
    var uids: [UInt32]
    var sequenceNumbers: [UInt32]

    func numbers(byUID: Bool) -> [UInt32] { byUID ? uids : sequenceNumbers }
}
