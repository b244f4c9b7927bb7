// SEARCH FROM/TO/SUBJECT… over a mailbox without copying its rows (issue 8, imap-mix): each
// summary is tested where SQLite holds it, and only UIDs come back.
import Foundation
import GRDB

extension SQLiteMailStore {
    public func searchSummaries(mailboxID: MailboxID, uids: [UInt32],
                                _ test: @escaping @Sendable (Data) -> Bool?) async throws -> SummarySearchOutcome {
        guard let lowest = uids.min(), let highest = uids.max() else { return SummarySearchOutcome() }
        let wanted = Set(uids)
        return try await boundedRead { db, rowLimit -> SummarySearchOutcome? in
            // Inline, a range wider than the bound goes to the pool (the caller asks in batches).
            if let rowLimit, Int(highest - lowest) >= rowLimit * Self.summarySearchRangePerInlineRow { return nil }
            var outcome = SummarySearchOutcome()
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT uid, metadata FROM messages WHERE mailbox_id = ? AND uid BETWEEN ? AND ? ORDER BY uid
                """), arguments: [mailboxID, Int64(lowest), Int64(highest)])
            while let row = try rows.next() {
                let uid = StoreRows.uint32(row[0])
                guard wanted.contains(uid) else { continue }
                // Borrowed from SQLite's row: no Data copy per message.
                let verdict = try row.withUnsafeData(atIndex: 1) { data -> Bool? in
                    guard let data, !data.isEmpty else { return nil }
                    return test(data)
                }
                switch verdict {
                case .some(true): outcome.matched.append(uid)
                case .some(false): break
                case .none: outcome.undecided.append(uid)
                }
            }
            return outcome
        }
    }

    /// UIDs in a batch are mostly consecutive; a sparse one may span more rows than it asks for.
    private static let summarySearchRangePerInlineRow = 4
}
