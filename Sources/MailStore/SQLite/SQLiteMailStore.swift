// The embedded MailStore: one SQLite database (WAL, synchronous=FULL) in the data directory, and
// large message bodies as files beside it.
//
// Implementation notes (invariants every method keeps):
// - Every write is one IMMEDIATE transaction on GRDB's writer queue, so writes of this process are
//   serialised and a second process (the admin CLI) waits on the busy timeout instead of failing.
// - Nothing about domains, accounts, aliases or mailboxes is cached between calls: the CLI changes
//   the same database while the server runs, and the next read must see it.
// - Changes are published after commit, from the writer queue, hence in commit order.
// - A blob file exists (fsynced) before the commit that refers to it, and is removed only after
//   the commit that dropped its last reference, under the write lock, after checking again that no
//   row refers to it.
import Foundation
import GRDB
import Logging

/// SQLite implementation of `MailStore` (DESIGN.md rule 7), the default backend.
public final class SQLiteMailStore: MailStore {
    /// Tunables with safe defaults; tests shrink them to exercise the edges.
    public struct Configuration: Sendable {
        /// Bodies smaller than this live in the database, inside the commit that stores the
        /// message; larger ones are files (DESIGN.md rule 1: no extra fsync for ordinary mail).
        public var inlineBodyLimit: Int = 64 * 1024
        /// Anything larger is refused with `.messageTooLarge` before any I/O.
        public var maxMessageBytes: Int = 256 * 1024 * 1024
        /// How long a write waits for another process's lock before failing.
        public var busyTimeout: TimeInterval = 10
        /// Changes buffered per `changes()` subscriber before the oldest are dropped.
        public var changeBufferLimit: Int = 10_000
        /// Requests per group-commit transaction at most.
        public var maxBatchRequests: Int = 1_000
        /// How long the expunge log keeps a removed UID for QRESYNC's VANISHED (RFC 7162 §3.2.5.1);
        /// entries older than this are pruned by the next expunge from the same mailbox (ExpungeLog).
        public var expungeLogRetention: TimeInterval = Self.defaultExpungeLogRetention
        /// 180 days: twice the 90 days a device may stay offline and still resync exactly.
        public static let defaultExpungeLogRetention: TimeInterval = 180 * 24 * 60 * 60
        /// New messages are full-text indexed once appends pause this long (FullTextIndexer)...
        public var fullTextQuietPeriod: TimeInterval = 0.25
        /// ...and under constant load, from this long after the first unindexed one, in small
        /// paced batches (issue 8: no catch-up bursts that hold the writer). A burst of mail
        /// shorter than this is not slowed by indexing at all.
        public var fullTextMaximumDelay: TimeInterval = 5
        /// Octets of the database file each connection reads through a memory map (SQLite
        /// `mmap_size`; 0 reads every page with a system call and a copy). A 10,000-message FETCH
        /// reads the whole message index: mapped, it cost ~20 % less server CPU (issue 8).
        public var memoryMapSize: Int = 256 * 1024 * 1024
        /// How long after open the background work on earlier messages (full-text index, sort
        /// keys) starts; opening never waits for it. Tests hold it off to see the store before.
        public var backgroundWorkDelay: TimeInterval = 0
        /// Read-only connections for small reads run on the caller's thread (InlineReaders,
        /// issue 8): one per core, as many as Swift's cooperative pool has threads. 0 sends every
        /// read through the pool's own threads.
        public var inlineReaderCount: Int = ProcessInfo.processInfo.activeProcessorCount
        /// WAL length in frames (pages) past which a checkpoint runs on its own connection and
        /// thread, off the commit path (WALCheckpointer, issue 8); 0 leaves SQLite's automatic
        /// checkpoint inside the commit that passes 1,000 frames.
        public var walCheckpointFrames: Int = Int(WALCheckpointer.defaultThresholdFrames)
        public init() {}
    }

    public static let databaseFileName = "facteur.sqlite"

    let pool: DatabasePool
    let logger: Logger
    let configuration: Configuration
    let blobFiles: BlobFileStore
    let broadcaster: ChangeBroadcaster
    /// Blocking file reads and writes of bodies run here, off the callers' executors.
    let fileQueue = DispatchQueue(label: "facteur.mailstore.files", attributes: .concurrent)
    let appendQueue: WriterCommitQueue<Database, PreparedAppend, AppendOutcome>
    /// Every other write goes through this one: concurrent writes share a commit.
    let writeQueue: WriterCommitQueue<Database, BatchedWrite, Result<any Sendable, StoreError>>
    /// How well group commit batches: transactions and requests written so far.
    public let appendStatistics = AppendStatistics()
    /// SELECT's last snapshot per mailbox, checked against the mailbox row on every use.
    let selectionCache = SelectionCache()
    let fullTextIndexer: FullTextIndexer
    let sortKeyBackfill: BackfillDriver
    let deliveryDataBackfill: BackfillDriver
    let inlineReaders: InlineReaders
    /// nil when `walCheckpointFrames` is 0.
    let checkpointer: WALCheckpointer?

    public convenience init(directory: URL, logger: Logger) throws {
        try self.init(directory: directory, logger: logger, configuration: Configuration())
    }

    public init(directory: URL, logger: Logger, configuration: Configuration) throws {
        self.logger = logger
        self.configuration = configuration
        if let code = SQLiteLibrarySettings.applied, code != 0 {
            logger.debug("SQLite memory statistics stay on", metadata: ["sqlite.code": "\(code)"])
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError.backend("cannot create data directory \(directory.path)")
        }
        var config = GRDB.Configuration()
        config.label = "facteur.mailstore"
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(configuration.busyTimeout)
        let memoryMapSize = max(0, configuration.memoryMapSize)
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA mmap_size = \(memoryMapSize)") }
        do {
            // DatabasePool turns WAL mode on: readers never wait for the writer.
            pool = try DatabasePool(path: directory.appendingPathComponent(Self.databaseFileName).path,
                                    configuration: config)
            // DESIGN.md rule 1: a commit is on disk before anyone is told it happened. GRDB sets
            // NORMAL when it enables WAL (after prepareDatabase runs), so FULL is set here, on the
            // one writer connection, and checked.
            let synchronous = try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                return try Int.fetchOne(db, sql: "PRAGMA synchronous")
            }
            guard synchronous == 2 else { throw StoreError.backend("cannot set synchronous = FULL") }
            try SQLiteSchema.migrator().migrate(pool)
            // Opened after the migration: the schema they read is the final one.
            inlineReaders = try InlineReaders(path: pool.path, count: configuration.inlineReaderCount,
                                              configuration: config)
            if configuration.walCheckpointFrames > 0 {
                let frames = Int32(clamping: configuration.walCheckpointFrames)
                let checkpointer = try WALCheckpointer(path: pool.path, configuration: config, thresholdFrames: frames)
                pool.writeWithoutTransaction { db in checkpointer.install(on: db) }
                self.checkpointer = checkpointer
            } else {
                checkpointer = nil
            }
        } catch {
            throw StoreError(mapping: error)
        }
        let blobFiles = BlobFileStore(root: directory.appendingPathComponent("blobs"))
        let broadcaster = ChangeBroadcaster(bufferLimit: configuration.changeBufferLimit)
        self.blobFiles = blobFiles
        self.broadcaster = broadcaster
        let indexer = FullTextIndexer(pool: pool, blobFiles: blobFiles,
                                      timing: .init(quietPeriod: configuration.fullTextQuietPeriod,
                                                    maximumDelay: configuration.fullTextMaximumDelay),
                                      logger: logger)
        fullTextIndexer = indexer
        let backfill = SortKeyBackfill.driver(pool: pool, logger: logger)
        sortKeyBackfill = backfill
        let deliveryBackfill = DeliveryDataBackfill.driver(pool: pool, blobFiles: blobFiles, logger: logger)
        deliveryDataBackfill = deliveryBackfill
        let writer = AppendBatchWriter(pool: pool, blobFiles: blobFiles, broadcaster: broadcaster,
                                       inlineBodyLimit: configuration.inlineBodyLimit, statistics: appendStatistics,
                                       fullTextIndexer: indexer)
        // Both queues are drained by the writer itself (WriterCommitQueue), one batch per turn on
        // GRDB's writer queue, so appends and other writes alternate fairly.
        let pool = pool
        let onWriter: @Sendable (@escaping @Sendable (Database) -> Void) -> Void = { work in
            pool.asyncWriteWithoutTransaction { db in work(db) }
        }
        appendQueue = WriterCommitQueue(maxBatchRequests: configuration.maxBatchRequests, schedule: onWriter) { db, requests in
            writer.commit(db, requests)
        }
        let committer = WriteBatchCommitter(broadcaster: broadcaster, blobFiles: blobFiles)
        writeQueue = WriterCommitQueue(maxBatchRequests: configuration.maxBatchRequests, schedule: onWriter) { db, writes in
            committer.commit(db, writes)
        }
        // Issue 8: earlier messages get their index rows, sort keys, folded search fields and
        // POP3 file data after open, in bounded background batches (SEARCH reads unindexed rows
        // and folds summaries, SORT derives missing keys, RETR stuffs files meanwhile).
        // A delivery or a STORE waiting for the writer ends an idle full-text batch early.
        indexer.yield { [appendQueue, writeQueue] in appendQueue.hasWaitingRequests || writeQueue.hasWaitingRequests }
        indexer.noteBacklog(after: configuration.backgroundWorkDelay)
        backfill.start(after: configuration.backgroundWorkDelay)
        deliveryBackfill.start(after: configuration.backgroundWorkDelay)
        logger.debug("mail store opened", metadata: ["store.path": "\(directory.path)"])
    }

    /// Closes the database; later calls fail. Ends every change stream.
    public func close() throws {
        sortKeyBackfill.close()
        deliveryDataBackfill.close()
        fullTextIndexer.close()
        broadcaster.finishAll()
        inlineReaders.close()
        if let checkpointer {
            pool.writeWithoutTransaction { db in checkpointer.uninstall(from: db) }
            checkpointer.close()
        }
        do { try pool.close() } catch { throw StoreError(mapping: error) }
    }

    // MARK: Change feed and health

    public func changes() -> AsyncStream<MailboxChange> {
        broadcaster.subscribe()
    }

    public func observeChanges(_ observer: @escaping @Sendable ([MailboxChange]) -> Void) -> ChangeObservation? {
        broadcaster.observe(observer)
    }

    public func checkHealth() async throws {
        _ = try await read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    // MARK: Plumbing shared by the extensions

    /// What a write transaction hands back besides its value: the changes to publish and the
    /// blob files whose last reference it removed.
    struct WriteResult<Value: Sendable>: Sendable {
        var value: Value
        var changes: [MailboxChange] = []
        var releasedFiles: [String] = []
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw logged(StoreError(mapping: error))
        }
    }

    /// A read whose size `body` bounds itself: on the calling thread when an inline connection
    /// is free (no thread hand-off, InlineReaders), else on the pool. `body` gets the row limit
    /// inline (nil on the pool) and answers nil when the read would pass it; the pool then runs it.
    func boundedRead<T: Sendable>(_ body: @escaping @Sendable (Database, _ rowLimit: Int?) throws -> T?) async throws -> T {
        do {
            if let value = try inlineReaders.read({ db in try body(db, InlineReaders.inlineRowLimit) }), let value {
                return value
            }
        } catch {
            throw logged(StoreError(mapping: error))
        }
        let value = try await read { db in try body(db, nil) }
        guard let value else { throw logged(.backend("unbounded read gave no value")) }
        return value
    }

    /// Backend failures are the operator's business: log them here, once.
    func logged(_ error: StoreError) -> StoreError {
        if case .backend = error { logger.error("store failure", metadata: ["store.error": "\(error)"]) }
        return error
    }

    /// Runs `body` in one IMMEDIATE transaction, then (after commit, on the writer queue)
    /// publishes its changes and removes released blob files. Not cancellable once submitted: a
    /// write either commits or fails, it is never half-abandoned by a client going away.
    /// Concurrent writes share a transaction (WriteBatchCommitter), each in its own savepoint.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> WriteResult<T>) async throws -> T {
        let batched = BatchedWrite { db in
            let result = try body(db)
            return WriteResult<any Sendable>(value: result.value, changes: result.changes, releasedFiles: result.releasedFiles)
        }
        guard let outcome = await writeQueue.submit([batched]).first else {
            throw logged(.backend("write produced no result"))
        }
        switch outcome {
        case .success(let value):
            guard let typed = value as? T else { throw logged(.backend("write produced a value of the wrong type")) }
            return typed
        case .failure(let error):
            throw logged(error)
        }
    }

    /// On the writer: runs `body` in one IMMEDIATE transaction, then publishes its changes and
    /// removes the blob files it released.
    static func performWrite<T: Sendable>(db: Database, broadcaster: ChangeBroadcaster, blobFiles: BlobFileStore,
                                          _ body: (Database) throws -> WriteResult<T>) -> Result<T, StoreError> {
        var outcome: WriteResult<T>?
        do {
            try db.inTransaction(.immediate) {
                outcome = try body(db)
                return .commit
            }
        } catch {
            return .failure(StoreError(mapping: error))
        }
        guard let outcome else { return .failure(.backend("write produced no result")) }
        broadcaster.publish(outcome.changes)
        removeReleasedFiles(outcome.releasedFiles, db: db, blobFiles: blobFiles)
        return .success(outcome.value)
    }

    /// Unlinks files of blobs that lost their last reference, holding the write lock so no writer
    /// (of this or another process) can add a reference between the check and the unlink. A
    /// failure here leaves an orphan file, never a dangling reference.
    static func removeReleasedFiles(_ shas: [String], db: Database, blobFiles: BlobFileStore) {
        guard !shas.isEmpty else { return }
        try? db.inTransaction(.immediate) {
            for sha in shas {
                let stillReferenced = try Bool.fetchOne(db, sql: "SELECT 1 FROM blobs WHERE sha256 = ?",
                                                        arguments: [sha]) ?? false
                if !stillReferenced { blobFiles.remove(sha) }
            }
            return .commit
        }
    }

    /// Runs blocking file work on the file queue.
    func onFileQueue<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let result: Result<T, StoreError> = await withCheckedContinuation { continuation in
            fileQueue.async {
                do {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(StoreError(mapping: error)))
                }
            }
        }
        return try result.get()
    }
}
