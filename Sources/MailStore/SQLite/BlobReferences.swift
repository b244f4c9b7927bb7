// Reference counting of content-addressed bodies: one `blobs` row per SHA-256, however many
// messages share it.
import Foundation
import GRDB

enum BlobReferences {
    /// Adds one reference, inserting the row on first use. `inlineData` is nil when the body is
    /// a file (already durable: see BlobFileStore.write).
    /// `plainForPOP3` is the file's `PlainBytes` flag (nil: unknown); a row stored before
    /// migration v11 without one gets it here when the same body comes again.
    /// `pop3DotOffsets` is the file's `DotLineOffsets` column (nil: none or unknown); likewise
    /// recorded late for a row stored before migration v13.
    static func addReference(_ db: Database, sha256: String, size: Int, inlineData: Data?,
                             plainForPOP3: Bool? = nil, pop3DotOffsets: Data? = nil) throws {
        // A cached statement: this runs once per appended message.
        try db.cachedStatement(sql: """
            INSERT INTO blobs (sha256, size, data, ref_count, pop3_plain, pop3_dot_offsets) VALUES (?, ?, ?, 1, ?, ?)
            ON CONFLICT (sha256) DO UPDATE SET ref_count = ref_count + 1,
                pop3_plain = COALESCE(pop3_plain, excluded.pop3_plain),
                pop3_dot_offsets = COALESCE(pop3_dot_offsets, excluded.pop3_dot_offsets)
            """).execute(arguments: [sha256, size, inlineData, plainForPOP3, pop3DotOffsets])
    }

    /// One more reference to a body whose row exists; false when there is no such row.
    static func incrementReference(_ db: Database, sha256: String) throws -> Bool {
        try db.cachedStatement(sql: "UPDATE blobs SET ref_count = ref_count + 1 WHERE sha256 = ?")
            .execute(arguments: [sha256])
        return db.changesCount > 0
    }

    /// Counts references held by the messages `filter` selects (an SQL condition on the alias
    /// `m` for messages), grouped by content.
    static func references(_ db: Database, messagesWhere filter: String,
                           arguments: StatementArguments) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT m.content_sha256 AS sha, COUNT(*) AS n FROM messages m WHERE \(filter) GROUP BY m.content_sha256
            """, arguments: arguments) {
            counts[row["sha"], default: 0] += row["n"] as Int
        }
        return counts
    }

    /// Drops references (after the messages holding them were deleted). Returns the digests whose
    /// last reference went and whose body is a file, to unlink after commit.
    static func release(_ db: Database, _ counts: [String: Int]) throws -> [String] {
        var releasedFiles: [String] = []
        for (sha, count) in counts.sorted(by: { $0.key < $1.key }) {
            try db.execute(sql: "UPDATE blobs SET ref_count = ref_count - ? WHERE sha256 = ?", arguments: [count, sha])
            guard let row = try Row.fetchOne(db, sql: "SELECT ref_count, data IS NULL AS on_disk, size FROM blobs WHERE sha256 = ?",
                                             arguments: [sha]) else { continue }
            if (row["ref_count"] as Int64) <= 0 {
                try db.execute(sql: "DELETE FROM blobs WHERE sha256 = ?", arguments: [sha])
                if row["on_disk"] as Bool, (row["size"] as Int64) > 0 { releasedFiles.append(sha) }
            }
        }
        return releasedFiles
    }
}
