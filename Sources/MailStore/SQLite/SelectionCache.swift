// SELECT's UID list, first unseen and keywords, kept between SELECTs of an unchanged mailbox.
import Synchronization

/// Remembers the last `MailboxSelection` read per mailbox, keyed by what any change to its
/// messages moves: every append, flag change, expunge, COPY or MOVE in any process bumps the
/// mailbox's HIGHESTMODSEQ in the same transaction. A hit is only used after reading the mailbox
/// row in the caller's read transaction and finding the same key, so it is never stale: the
/// cache saves the scan of 10,000 UIDs, not the check. Bounded by the UIDs it holds.
final class SelectionCache: Sendable {
    struct Key: Equatable {
        let uidValidity: UInt32
        let uidNext: UInt32
        let highestModSeq: UInt64
        let messageCount: Int

        init(_ mailbox: Mailbox) {
            uidValidity = mailbox.uidValidity
            uidNext = mailbox.uidNext
            highestModSeq = mailbox.highestModSeq
            messageCount = mailbox.messageCount
        }
    }

    private struct Entry {
        let key: Key
        let selection: MailboxSelection
    }

    /// About 4 MB of UIDs at most; past it the cache starts again empty.
    static let maximumUIDs = 1_000_000

    private let state = Mutex<(entries: [MailboxID: Entry], uids: Int)>(([:], 0))

    /// The cached selection for `mailbox` as just read, with that fresh row, or nil.
    func selection(for mailbox: Mailbox) -> MailboxSelection? {
        state.withLock { state in
            guard let entry = state.entries[mailbox.id], entry.key == Key(mailbox) else { return nil }
            var selection = entry.selection
            selection.mailbox = mailbox
            return selection
        }
    }

    func store(_ selection: MailboxSelection) {
        let count = selection.uids.count
        guard count <= Self.maximumUIDs else { return }
        state.withLock { state in
            if let old = state.entries[selection.mailbox.id] { state.uids -= old.selection.uids.count }
            if state.uids + count > Self.maximumUIDs {
                state.entries = [:]
                state.uids = 0
            }
            state.entries[selection.mailbox.id] = Entry(key: Key(selection.mailbox), selection: selection)
            state.uids += count
        }
    }
}
