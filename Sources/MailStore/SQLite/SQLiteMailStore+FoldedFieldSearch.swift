// SEARCH FROM/TO/SUBJECT… over the folded header text of "v12-search-fields" (issue 8): one small
// row per message tested where SQLite holds it; the summary only for messages without one.
import Foundation
import GRDB

extension SQLiteMailStore {
    public func searchFoldedFields(mailboxID: MailboxID, uids: [UInt32],
                                   _ search: FoldedFieldSearch) async throws -> SummarySearchOutcome {
        guard let lowest = uids.min(), let highest = uids.max() else { return SummarySearchOutcome() }
        let wanted = Set(uids)
        return try await boundedRead { db, rowLimit -> SummarySearchOutcome? in
            // Inline, a range wider than the bound goes to the pool (the caller asks in batches).
            if let rowLimit, Int(highest - lowest) >= rowLimit * Self.foldedSearchRangePerInlineRow { return nil }
            var outcome = SummarySearchOutcome()
            let rows = try ColumnCursor(db.cachedStatement(sql: FoldedSearchTable.searchSQL),
                                        arguments: [mailboxID, Int64(lowest), Int64(highest)])
            while let row = try rows.next() {
                let uid = StoreRows.uint32(row.int64(0))
                guard wanted.contains(uid) else { continue }
                // Both lent from SQLite's row: no copy per message.
                let verdict: Bool? = row.withBlob(1) { folded -> Bool? in
                    if let folded { return search.folded(folded) }
                    return row.withBlob(2) { summary -> Bool? in
                        guard let summary, let base = summary.baseAddress, !summary.isEmpty else { return nil }
                        return search.summary(Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base),
                                                   count: summary.count, deallocator: .none))
                    }
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
    private static let foldedSearchRangePerInlineRow = 4
}
