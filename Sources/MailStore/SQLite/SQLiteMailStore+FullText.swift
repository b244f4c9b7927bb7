// SEARCH BODY/TEXT candidates from the trigram index, and SELECT's snapshot (issues 4 and 8).
import Foundation
import GRDB

extension SQLiteMailStore {
    public func fullTextCandidates(mailboxID: MailboxID, term: String, field: FullTextField) async throws -> Set<UInt32>? {
        guard let query = FullTextIndex.matchQuery(term: term, field: field) else { return nil }
        do {
            return try await pool.read { db in try FullTextIndex.candidates(db, mailboxID: mailboxID, query: query) }
        } catch {
            // The matcher alone still gives the right answer; an index failure only costs time.
            logger.error("full-text query failed", metadata: ["store.error": "\(StoreError(mapping: error))"])
            return nil
        }
    }

    /// Indexes every message still pending now instead of waiting for deliveries to pause, so a
    /// caller that needs SEARCH at full speed at once (tests, maintenance) can have it; returns
    /// how many messages it looked at. Searches are exact either way.
    public func indexPendingFullText() async throws -> Int {
        let indexer = fullTextIndexer
        return try await onFileQueue { try indexer.indexPending() }
    }

    /// One read transaction; every query is served by an index: the UIDs by (mailbox_id, uid), the
    /// first unseen by the partial index of unseen messages, the keywords by the partial index of
    /// messages that have some. An unchanged mailbox is answered from SelectionCache after reading
    /// its row alone.
    public func mailboxSelection(accountID: AccountID, name: String) async throws -> MailboxSelection? {
        guard let checked = try? MailboxName(name) else { return nil }
        let cache = selectionCache
        return try await boundedRead { db, rowLimit -> MailboxSelection?? in
            guard let mailbox = try Self.fetchMailbox(db, accountID: accountID, name: checked.value) else { return .some(nil) }
            if let cached = cache.selection(for: mailbox) { return cached }
            // Inline, only the UIDs of a small mailbox are read; a large one goes to the pool.
            if let rowLimit, mailbox.messageCount > rowLimit * Self.selectionRowsPerInlineRow { return nil }
            var uids: [UInt32] = []
            uids.reserveCapacity(max(0, mailbox.messageCount))
            let cursor = try Int64.fetchCursor(db.cachedStatement(sql: "SELECT uid FROM messages WHERE mailbox_id = ? ORDER BY uid"),
                                               arguments: [mailbox.id])
            while let uid = try cursor.next() { uids.append(StoreRows.uint32(uid)) }
            let firstUnseen = try Int64.fetchOne(db.cachedStatement(sql: """
                SELECT uid FROM messages WHERE mailbox_id = ? AND system_flags & 1 = 0 ORDER BY uid LIMIT 1
                """), arguments: [mailbox.id])
            let selection = MailboxSelection(mailbox: mailbox, uids: uids, firstUnseenUID: firstUnseen.map(StoreRows.uint32),
                                             keywords: try Self.keywordsInUse(db, mailboxID: mailbox.id))
            cache.store(selection)
            return selection
        }
    }

    /// A UID costs far less to read than a message row: SELECT reads this many per message row
    /// of the inline bound (4,096 UIDs) without leaving the caller's thread.
    private static let selectionRowsPerInlineRow = 16

    /// Keyword lists differ far less than messages do; `maximumKeywordLists` bounds the work for a
    /// mailbox where every message has its own.
    private static let maximumKeywordLists = 4_096

    private static func keywordsInUse(_ db: Database, mailboxID: MailboxID) throws -> [String] {
        let lists = try String.fetchAll(db.cachedStatement(sql: """
            SELECT DISTINCT keywords FROM messages WHERE mailbox_id = ? AND keywords != '' LIMIT ?
            """), arguments: [mailboxID, maximumKeywordLists])
        var keywords: [String] = []
        var seen = Set<String>()
        for list in lists {
            for keyword in list.split(separator: "\n") where seen.insert(keyword.lowercased()).inserted {
                keywords.append(String(keyword))
            }
        }
        return keywords
    }
}
