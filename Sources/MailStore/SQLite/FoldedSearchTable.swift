// The table of "v12-search-fields" (issue 8): each message's folded SEARCH header text
// (`FoldedSearchFields`), written in the append's commit, copied with COPY, removed with the message.
import Foundation
import GRDB
import MailMessage

/// A table of its own rather than a column of `messages`: a message row holds its summary (about a
/// kilobyte), so scanning a column of it reads every row's pages; SEARCH FROM over 200 messages
/// reads these small rows (a few pages) and the UID index, and touches a message row only for a
/// message without folded fields (stored before this table, or with an unreadable summary).
enum FoldedSearchTable {
    /// Instant at open whatever the store's size: rows stored before it have none and are searched
    /// through their summaries, as before. `message_id` is `messages.id` (never reused:
    /// AUTOINCREMENT); the trigger also covers cascading deletes (mailbox or account removed).
    static let migrationSQL = """
        CREATE TABLE message_search (
            message_id INTEGER PRIMARY KEY,
            folded BLOB NOT NULL
        );
        CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
            DELETE FROM message_search WHERE message_id = old.id;
        END;
        """

    static func insert(_ db: Database, messageID: Int64, folded: Data) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO message_search (message_id, folded) VALUES (?, ?)")
            .execute(arguments: [messageID, folded])
    }

    /// A copy is searched like its original; an original without a row gives none.
    static func copy(_ db: Database, from original: Int64, to copy: Int64) throws {
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO message_search (message_id, folded) SELECT ?, folded FROM message_search WHERE message_id = ?
            """).execute(arguments: [copy, original])
    }

    /// UID, folded fields (NULL: none) and, only for a message without them, its summary: SQLite
    /// reads the message row itself only when the CASE needs it (the UID index holds `id`). The
    /// UNIQUE (mailbox_id, uid) index of v1 is named: left alone, the planner takes messages_sort,
    /// whose entries carry every sort key (several pages per 200 messages instead of one).
    static let searchSQL = """
        SELECT m.uid, s.folded, CASE WHEN s.folded IS NULL THEN m.metadata END
        FROM messages AS m INDEXED BY sqlite_autoindex_messages_1 LEFT JOIN message_search AS s ON s.message_id = m.id
        WHERE m.mailbox_id = ? AND m.uid BETWEEN ? AND ? ORDER BY m.uid
        """
}
