// Indexes pending messages (fulltext = 0): those stored before the full-text index existed
// (migration "v6-fulltext-index"), and every new one, which an append stores pending for
// FullTextIndexer. Runs from the indexer only, in the background (issue 8: never while the store
// opens), in bounded batches of short write transactions; until a message is indexed the matcher
// reads it, so results are right at every moment, only slower.
import Foundation
import GRDB
import MailMessage

enum FullTextBackfill {
    /// Messages read and indexed per write transaction when nothing else is writing.
    static let batchSize = 200

    /// Indexes pending messages in batches of `batchSize` until none is left or `budget` messages
    /// were looked at; returns how many were looked at.
    static func run(pool: DatabasePool, blobFiles: BlobFileStore, batchSize: Int = batchSize,
                    budget: Int = .max) throws -> Int {
        var done = 0
        while done < budget {
            let limit = min(batchSize, budget - done)
            let batch = try indexBatch(pool: pool, blobFiles: blobFiles, limit: limit)
            done += batch.looked
            if !batch.mayHaveMore { break }
        }
        return done
    }

    /// Rows with equal content and stored summary share their body text.
    private struct SharedKey: Hashable {
        var sha256: String
        var metadata: Data
    }

    /// What one batch did: rows it looked at (indexed, or left to the matcher as too large),
    /// whether it stopped early because writes waited, and whether pending rows may remain.
    struct BatchProgress: Equatable {
        var looked: Int
        var stoppedForWriters = false
        var mayHaveMore: Bool
    }

    /// Indexes at most `limit` pending messages in one write transaction. The text is built
    /// before the transaction, so the writer is held only for the FTS5 inserts. Safe beside
    /// another process doing the same: a row is indexed only if it is still pending under the
    /// write lock.
    ///
    /// `writersWaiting` is asked before each message after the first: when it answers true the
    /// batch commits what it has and returns, so a delivery queued behind it on the writer waits
    /// for one message's index rows, not for 200 of them (issue 8: a 200-message batch held the
    /// writer 100-200 ms on a busy machine, and the 20 deliveries that arrived meanwhile were
    /// lmtp-accept's p99). The rest stay pending for the next batch.
    static func indexBatch(pool: DatabasePool, blobFiles: BlobFileStore, limit: Int,
                           writersWaiting: @Sendable () -> Bool = { false }) throws -> BatchProgress {
        // `fulltext != 1` lets SQLite use the partial index messages_not_fulltext, so finding the
        // few pending rows does not walk the whole table. Every row read leaves state 0 below
        // (indexed or too large), so repeated batches end.
        let rows = try pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT m.id, m.prefix, m.metadata, m.content_sha256, b.data, b.size FROM messages m
                JOIN blobs b ON b.sha256 = m.content_sha256
                WHERE m.fulltext != 1 AND m.fulltext = 0 LIMIT ?
                """), arguments: [max(1, limit)])
        }
        guard !rows.isEmpty else { return BatchProgress(looked: 0, mayHaveMore: false) }
        // One delivery to several accounts is several rows with one body and one summary: the
        // summary is decoded and the body text folded once per batch (issue 8); each row still
        // gets its own header (its prefix differs).
        var shared: [SharedKey: (summary: MessageSummary, body: String?)] = [:]
        let documents: [(id: Int64, document: FullTextDocument?)] = rows.map { row in
            let prefix: Data? = row["prefix"]
            let metadata: Data? = row["metadata"]
            let inline: Data? = row["data"]
            let content: [UInt8]?
            if let inline {
                content = [UInt8](inline)
            } else {
                // A missing or damaged file: leave the message to the matcher, which reports it.
                content = try? blobFiles.read(row["content_sha256"], expectedSize: Int(clamping: row["size"] as Int64))
            }
            guard let content else { return (row["id"], nil) }
            let key = SharedKey(sha256: row["content_sha256"], metadata: metadata ?? Data())
            let known = shared[key]
            let summary = known?.summary ?? FullTextDocument.summary(content: content, metadata: key.metadata)
            let document = FullTextDocument(prefix: [UInt8](prefix ?? Data()), content: content, summary: summary,
                                            knownBody: known?.body)
            if known == nil, let document { shared[key] = (summary, document.body) }
            return (row["id"], document)
        }
        let looked = try pool.writeWithoutTransaction { db -> Int in
            var looked = 0
            try db.inTransaction(.immediate) {
                for (id, document) in documents {
                    if looked > 0, writersWaiting() { break }
                    looked += 1
                    let state = document == nil ? FullTextIndex.State.tooLarge : FullTextIndex.State.indexed
                    try db.cachedStatement(sql: "UPDATE messages SET fulltext = ? WHERE id = ? AND fulltext = 0")
                        .execute(arguments: [state, id])
                    if db.changesCount == 1, let document {
                        try FullTextIndex.insert(db, messageID: id, document)
                    }
                }
                return .commit
            }
            return looked
        }
        let stopped = looked < rows.count
        return BatchProgress(looked: looked, stoppedForWriters: stopped, mayHaveMore: rows.count == limit || stopped)
    }
}
