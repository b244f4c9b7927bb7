// Stores the data delivery computes since migrations v11-v13 for the messages and blob files
// stored before them (issue 8, session 9): the folded SEARCH fields (`message_search`, v12) and a
// file's POP3 columns (`blobs.pop3_plain`, v11; `blobs.pop3_dot_offsets`, v13). Without them
// SEARCH FROM/TO/SUBJECT folds the summary at every search and RETR stuffs the file in user space
// instead of sendfile, for every earlier message, forever. Answers are the same before, during
// and after: only the speed changes.
//
// Implementation notes:
// - The work to do is the settings row `delivery_data_backfill_cursor` (the last message id
//   done), set to 0 by migration v14 and advanced in each batch's transaction: a crash resumes
//   after the last committed batch; a store without the row has nothing to do. Messages are
//   walked by id: ids are never reused (AUTOINCREMENT), and every message appended or copied
//   meanwhile gets an id above all earlier ones with its data already stored (a copy of a message
//   without folded fields gets none, and the walk reaches it later), so the walk ends.
// - A blob file is scanned from the lowest-id message holding it, so a body shared by many
//   messages is read once.
// - "Not known" against "computed: none". `pop3_plain` NULL is not known. `pop3_plain` 0 with
//   `pop3_dot_offsets` NULL is "computed: none" (too many dot lines, no final CRLF) for a file
//   stored since v13, but not known for a file with dot lines stored between v11 and v13: the
//   row cannot tell, so this pass scans both once, and what is known is told by where the cursor
//   stands, not by a marker in the row: once the pass ends (the cursor row is deleted) nothing is
//   scanned again at later starts.
// - The summaries are folded and the files scanned (memory-mapped, with the append's own memchr
//   pass, `PreparedAppend.pop3Columns`) before the write transaction, which then holds the writer
//   only for one batch's INSERTs and UPDATEs. A batch is bounded in messages and in file octets.
// - A missing or unreadable file is logged and left "not known" (RETR streams it and reports the
//   error, as before); the walk goes on.
import Foundation
import GRDB
import Logging
import MailMessage

/// A namespace: the pass is a BackfillDriver running DeliveryDataBatches; `runToCompletion`
/// returns how many values were stored (search rows plus files).
enum DeliveryDataBackfill {
    /// The settings key holding the last message id done; absent: nothing to do.
    static let cursorSetting = "delivery_data_backfill_cursor"

    /// `batchBytes`: file octets scanned per batch at most (a larger file is a batch of its own).
    static func driver(pool: DatabasePool, blobFiles: BlobFileStore, logger: Logger, batchSize: Int = 200,
                       batchBytes: Int = 32 << 20, minimumPause: TimeInterval = 0.005) -> BackfillDriver {
        let batches = DeliveryDataBatches(pool: pool, blobFiles: blobFiles, logger: logger,
                                          batchSize: max(1, batchSize), batchBytes: max(1, batchBytes))
        return BackfillDriver(label: "facteur.mailstore.deliverydata", logger: logger,
                                wording: .init(started: "storing search fields and POP3 file data of earlier messages in the background",
                                               inProgress: "search-field and POP3 backfill in progress",
                                               finished: "search fields and POP3 file data stored for earlier messages",
                                               failed: "background search-field and POP3 backfill failed; the next start resumes it"),
                                minimumPause: minimumPause, batch: batches.run)
    }
}

private struct DeliveryDataBatches: Sendable {
    let pool: DatabasePool
    let blobFiles: BlobFileStore
    let logger: Logger
    let batchSize: Int
    let batchBytes: Int

    /// A message after the cursor: its summary when it has no folded fields yet, and its file's
    /// size when this message is the one to scan its file for.
    private struct Pending {
        var id: Int64
        var summary: Data?
        var sha256: String
        var scanSize: Int?
    }

    /// What one message gets.
    private struct Computed {
        var id: Int64
        var folded: Data?
        var pop3: (sha256: String, plain: Bool, dotOffsets: Data?)?
    }

    /// The summary only where `message_search` has no row, the file size only where the file's
    /// POP3 columns may be unknown (see the notes above) and this is its lowest-id message.
    private static let pendingSQL = """
        SELECT m.id, CASE WHEN s.message_id IS NULL THEN m.metadata END AS summary, m.content_sha256,
            CASE WHEN b.data IS NULL AND (b.pop3_plain IS NULL OR (b.pop3_plain = 0 AND b.pop3_dot_offsets IS NULL))
                AND m.id = (SELECT MIN(f.id) FROM messages AS f WHERE f.content_sha256 = m.content_sha256)
            THEN b.size END AS scan_size
        FROM messages AS m JOIN blobs AS b ON b.sha256 = m.content_sha256
        LEFT JOIN message_search AS s ON s.message_id = m.id
        WHERE m.id > ? ORDER BY m.id LIMIT ?
        """

    /// One batch: the values of up to `batchSize` messages after the cursor, and the cursor moved
    /// past them, in one transaction. nil: nothing (left) to do; `looked` 0: this call finished
    /// the work and removed the cursor.
    func run() throws -> BackfillBatch? {
        let setting = DeliveryDataBackfill.cursorSetting
        let limit = batchSize
        let pending = try pool.read { db -> [Pending]? in
            guard let cursor = try Int64.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?",
                                                  arguments: [setting]) else { return nil }
            return try Row.fetchAll(db.cachedStatement(sql: Self.pendingSQL), arguments: [cursor, limit]).map { row in
                Pending(id: row["id"], summary: row["summary"], sha256: row["content_sha256"],
                        scanSize: (row["scan_size"] as Int64?).map { Int(clamping: $0) })
            }
        }
        guard let pending else { return nil }
        let computed = compute(pending)
        try pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                guard let last = computed.last else {
                    try db.execute(sql: "DELETE FROM settings WHERE key = ?", arguments: [setting])
                    return .commit
                }
                for message in computed { try store(db, message) }
                try db.execute(sql: "UPDATE settings SET value = ? WHERE key = ?", arguments: [last.id, setting])
                return .commit
            }
        }
        let stored = computed.reduce(0) { $0 + ($1.folded == nil ? 0 : 1) + ($1.pop3 == nil ? 0 : 1) }
        return BackfillBatch(looked: computed.count, stored: stored)
    }

    /// The messages' values, outside any transaction; stops early once `batchBytes` of files were
    /// scanned (the cursor then moves only past the messages done).
    private func compute(_ pending: [Pending]) -> [Computed] {
        var computed: [Computed] = []
        var scanned = 0
        for message in pending {
            if let size = message.scanSize, scanned > 0, scanned + size > batchBytes { break }
            var values = Computed(id: message.id,
                                  folded: message.summary.flatMap(FoldedSearchFields.encoded(summary:)))
            if let size = message.scanSize {
                scanned += size
                do {
                    let columns = try blobFiles.withMappedContent(message.sha256, expectedSize: size,
                                                                  PreparedAppend.pop3Columns)
                    values.pop3 = (message.sha256, columns.plain, columns.dotOffsets)
                } catch {
                    logger.warning("blob file of an earlier message unreadable; RETR keeps streaming it",
                                   metadata: ["store.error": "\(error)", "store.blob": "\(message.sha256)"])
                }
            }
            computed.append(values)
        }
        return computed
    }

    /// Why guarded: a message expunged since it was read has had its delete trigger run, so an
    /// unguarded insert would leave a row for no message; a file removed since has no blobs row
    /// left to update, and one stored again since got the same values from its append.
    private func store(_ db: Database, _ message: Computed) throws {
        if let folded = message.folded {
            try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO message_search (message_id, folded) SELECT id, ? FROM messages WHERE id = ?
                """).execute(arguments: [folded, message.id])
        }
        if let pop3 = message.pop3 {
            try db.cachedStatement(sql: """
                UPDATE blobs SET pop3_plain = ?, pop3_dot_offsets = ? WHERE sha256 = ? AND data IS NULL
                """).execute(arguments: [pop3.plain, pop3.dotOffsets, pop3.sha256])
        }
    }
}
