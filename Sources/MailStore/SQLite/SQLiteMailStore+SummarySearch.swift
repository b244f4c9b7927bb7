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
            let rows = try ColumnCursor(db.cachedStatement(sql: """
                SELECT uid, metadata FROM messages WHERE mailbox_id = ? AND uid BETWEEN ? AND ? ORDER BY uid
                """), arguments: [mailboxID, Int64(lowest), Int64(highest)])
            while let row = try rows.next() {
                let uid = StoreRows.uint32(row.int64(0))
                guard wanted.contains(uid) else { continue }
                // Lent from SQLite's row: no copy per message.
                let verdict = row.withBlob(1) { bytes -> Bool? in
                    guard let bytes, let base = bytes.baseAddress, !bytes.isEmpty else { return nil }
                    return test(Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count,
                                     deallocator: .none))
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
