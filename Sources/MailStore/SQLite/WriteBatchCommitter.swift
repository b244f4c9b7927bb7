// Group commit for the store's ordinary writes (STORE, EXPUNGE, mailbox changes …): writes that
// arrive while another commit is running share the next transaction and its one fsync, the way
// appends do (DESIGN.md rule 1). Under the imap-mix load (20 clients) single STORE and EXPUNGE
// writes each waited for the fsyncs of all the writes queued before them.
//
// Implementation notes:
// - Each write runs in its own savepoint: one that throws is rolled back alone and gets its own
//   error; the others of the batch commit. A write sees what the writes before it in the batch
//   did, exactly as if they had committed one after the other.
// - An error that ends the whole transaction (SQLite rolls back on some I/O errors) fails every
//   write of the batch: none of them is on disk.
// - Changes are published after the commit, in batch order, which is commit order.
import GRDB

/// One write of a batch: the body `SQLiteMailStore.write` was given, its value type erased.
struct BatchedWrite: Sendable {
    let body: @Sendable (Database) throws -> SQLiteMailStore.WriteResult<any Sendable>
}

/// Commits batches of `BatchedWrite`s; holds nothing that refers back to the store, so the
/// group-commit queue can own it.
struct WriteBatchCommitter: Sendable {
    let broadcaster: ChangeBroadcaster
    let blobFiles: BlobFileStore

    /// One result per write, in order. Runs on the writer (`db` is its connection), called by
    /// the store's WriterCommitQueue.
    func commit(_ db: Database, _ writes: [BatchedWrite]) -> [Result<any Sendable, StoreError>] {
        Self.run(writes, db: db, broadcaster: broadcaster, blobFiles: blobFiles)
    }

    private static func run(_ writes: [BatchedWrite], db: Database, broadcaster: ChangeBroadcaster,
                            blobFiles: BlobFileStore) -> [Result<any Sendable, StoreError>] {
        var results: [Result<SQLiteMailStore.WriteResult<any Sendable>, StoreError>] = []
        results.reserveCapacity(writes.count)
        do {
            try db.inTransaction(.immediate) {
                for write in writes {
                    var outcome: SQLiteMailStore.WriteResult<any Sendable>?
                    do {
                        try db.inSavepoint {
                            outcome = try write.body(db)
                            return .commit
                        }
                    } catch {
                        // The transaction itself is gone: nothing of this batch will commit.
                        guard db.isInsideTransaction else { throw error }
                        results.append(.failure(StoreError(mapping: error)))
                        continue
                    }
                    results.append(outcome.map { .success($0) } ?? .failure(.backend("write produced no result")))
                }
                return .commit
            }
        } catch {
            let failure = StoreError(mapping: error)
            return writes.map { _ in .failure(failure) }
        }
        var released: [String] = []
        for case .success(let outcome) in results {
            broadcaster.publish(outcome.changes)
            released += outcome.releasedFiles
        }
        SQLiteMailStore.removeReleasedFiles(released, db: db, blobFiles: blobFiles)
        return results.map { $0.map(\.value) }
    }
}
