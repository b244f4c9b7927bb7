// SEARCH on flags alone (UNSEEN, DELETED, FLAGGED UNSEEN…) for stores without a narrower read.
import Foundation

extension MailStore {
    /// From the whole message index, for stores without a cheaper read.
    public func uids(mailboxID: MailboxID, flagged: [String], unflagged: [String]) async throws -> [UInt32] {
        MessageIndexEntry.uids(of: try await messageIndex(mailboxID: mailboxID), flagged: flagged, unflagged: unflagged)
    }
}

extension MessageIndexEntry {
    /// The UIDs of the entries that have every flag in `flagged` and none in `unflagged`, compared
    /// case-insensitively (RFC 9051 §2.3.2). Public so a store can answer part of a flag search
    /// its own way and the rest with this, and every store agree.
    public static func uids(of entries: [MessageIndexEntry], flagged: [String], unflagged: [String]) -> [UInt32] {
        entries.filter { entry in
            flagged.allSatisfy { entry.hasFlag($0) } && !unflagged.contains { entry.hasFlag($0) }
        }.map(\.uid)
    }

    func hasFlag(_ name: String) -> Bool {
        flags.contains { $0.caseInsensitiveCompare(name) == .orderedSame }
    }
}
