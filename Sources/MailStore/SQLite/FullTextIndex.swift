// The statements behind the messages_fts table (migration "v6-fulltext-index"): writing a row in
// the caller's transaction, copying one for COPY, and turning a SEARCH string into an FTS5 query.
import Foundation
import GRDB
import MailMessage

enum FullTextIndex {
    /// Values of `messages.fulltext`.
    enum State {
        /// Not indexed yet (appended, or stored before the index existed); FullTextIndexer indexes it.
        static let pending: Int64 = 0
        static let indexed: Int64 = 1
        /// Too large to index (FullTextDocument): every search reads it.
        static let tooLarge: Int64 = 2
    }

    /// Distinct trigrams of a search string put in one query: a long string is still a candidate
    /// filter with 32 of them, and the query stays small whatever the client sends.
    static let maximumTrigrams = 32

    static func insert(_ db: Database, messageID: Int64, _ document: FullTextDocument) throws {
        try db.cachedStatement(sql: "INSERT INTO messages_fts (rowid, header, body) VALUES (?, ?, ?)")
            .execute(arguments: [messageID, document.header, document.body])
    }

    /// A copy shares its original's text; an original without a row (pending, too large) gives none.
    static func copy(_ db: Database, from original: Int64, to copy: Int64) throws {
        try db.cachedStatement(sql: "INSERT INTO messages_fts (rowid, header, body) SELECT ?, header, body FROM messages_fts WHERE rowid = ?")
            .execute(arguments: [copy, original])
    }

    /// The FTS5 query for messages whose `field` may contain `term` as a substring (RFC 9051
    /// §6.4.4), or nil when the index cannot narrow the search: fewer than 3 characters (the
    /// trigram tokenizer's unit) or a NUL. Every trigram of the folded term must occur: a message
    /// containing the term always qualifies, and the matcher then confirms each candidate.
    static func matchQuery(term: String, field: FullTextField) -> String? {
        let folded = SearchFolding.fold(term)
        guard !folded.contains(0) else { return nil }
        let scalars = Array(String(decoding: folded, as: UTF8.self).unicodeScalars)
        guard scalars.count >= 3 else { return nil }
        var seen = Set<String>()
        var terms: [String] = []
        for start in 0...(scalars.count - 3) where terms.count < maximumTrigrams {
            var trigram = String.UnicodeScalarView()
            trigram.append(contentsOf: scalars[start..<(start + 3)])
            let text = String(trigram)
            if seen.insert(text).inserted {
                // FTS5 strings: double quotes, an inner quote doubled.
                terms.append("\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
            }
        }
        let expression = terms.joined(separator: " AND ")
        switch field {
        case .body: return "body : (\(expression))"
        case .text: return expression
        }
    }

    /// UIDs of the mailbox that may match: index hits, plus every message the index does not cover.
    static func candidates(_ db: Database, mailboxID: MailboxID, query: String) throws -> Set<UInt32> {
        var uids = Set<UInt32>()
        // CROSS JOIN fixes the order: run the MATCH once, then look up each hit. Left to itself
        // the planner walks the mailbox and runs the MATCH per message (1.2 s for 10,000).
        let hits = try Int64.fetchCursor(db.cachedStatement(sql: """
            SELECT m.uid FROM messages_fts CROSS JOIN messages m ON m.id = messages_fts.rowid
            WHERE messages_fts MATCH ? AND m.mailbox_id = ?
            """), arguments: [query, mailboxID])
        while let uid = try hits.next() { uids.insert(StoreRows.uint32(uid)) }
        let uncovered = try Int64.fetchCursor(db.cachedStatement(sql: """
            SELECT uid FROM messages WHERE mailbox_id = ? AND fulltext != 1
            """), arguments: [mailboxID])
        while let uid = try uncovered.next() { uids.insert(StoreRows.uint32(uid)) }
        return uids
    }
}
