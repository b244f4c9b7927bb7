// Messages: append (through group commit), reads, flag changes and expunge.
import Foundation
import GRDB

extension SQLiteMailStore {
    public func append(_ requests: [AppendRequest]) async throws -> [Result<AppendedMessage, StoreError>] {
        guard !requests.isEmpty else { return [] }
        var outcomes = [Result<AppendedMessage, StoreError>?](repeating: nil, count: requests.count)
        var prepared: [(index: Int, value: PreparedAppend)] = []
        for (index, request) in requests.enumerated() {
            do {
                let value = try PreparedAppend(request, inlineBodyLimit: configuration.inlineBodyLimit,
                                               maxMessageBytes: configuration.maxMessageBytes)
                // Small bodies are checked here; large ones on the file queue, below.
                if value.storesInline, !request.content.hasValidDigest {
                    throw StoreError.backend("content SHA-256 does not match its bytes")
                }
                prepared.append((index, value))
            } catch {
                outcomes[index] = .failure(StoreError(mapping: error))
            }
        }
        // Large bodies become durable files before the transaction that refers to them.
        var fileFailures: [String: StoreError] = [:]
        var written = Set<String>()
        for (_, value) in prepared where !value.storesInline && !written.contains(value.request.content.sha256) {
            let content = value.request.content
            written.insert(content.sha256)
            let files = blobFiles
            do {
                try await onFileQueue {
                    guard content.hasValidDigest else { throw StoreError.backend("content SHA-256 does not match its bytes") }
                    try files.write(content.bytes, sha256: content.sha256)
                }
            } catch {
                fileFailures[content.sha256] = StoreError(mapping: error)
            }
        }
        var queued: [(index: Int, value: PreparedAppend)] = []
        for entry in prepared {
            if let failure = fileFailures[entry.value.request.content.sha256], !entry.value.storesInline {
                outcomes[entry.index] = .failure(failure)
            } else {
                queued.append(entry)
            }
        }
        if !queued.isEmpty {
            let results = await appendQueue.submit(queued.map(\.value))
            for (entry, result) in zip(queued, results) {
                switch result {
                case .success(let own): outcomes[entry.index] = own
                // The transaction failed: the store is failing, not this request being refused.
                case .failure(let error): throw logged(error)
                }
            }
        }
        return outcomes.map { $0 ?? .failure(.backend("append produced no outcome")) }
    }

    public func messages(mailboxID: MailboxID) async throws -> [StoredMessage] {
        try await read { db in
            try ColumnCursor.all(db.cachedStatement(sql: "SELECT \(StoreRows.messageColumns) FROM messages WHERE mailbox_id = ? ORDER BY uid"),
                                 arguments: [mailboxID], StoreRows.message)
        }
    }

    public func message(mailboxID: MailboxID, uid: UInt32) async throws -> StoredMessage? {
        try await read { db in
            try ColumnCursor.first(db.cachedStatement(sql: "SELECT \(StoreRows.messageColumns) FROM messages WHERE mailbox_id = ? AND uid = ?"),
                                   arguments: [mailboxID, uid], StoreRows.message)
        }
    }

    public func deliveryEnvelope(of message: StoredMessage) async throws -> Data? {
        try await read { db in
            let data: Data? = try Data.fetchOne(db, sql: "SELECT delivery_envelope FROM messages WHERE id = ?",
                                                arguments: [message.id])
            return data
        }
    }

    public func messageChunks(_ message: StoredMessage, chunkSize: Int) async throws
        -> AsyncThrowingStream<[UInt8], any Error> {
        let chunkSize = max(chunkSize, 4096)
        let files = blobFiles
        // One trip to the store's threads finds the content, opens its file and reads the first
        // chunk: a message up to `chunkSize` costs one hop, not four (lookup, open, read, end).
        // Reading a file on the reader's thread is store work off the event loops (DESIGN.md rule 5).
        let opened = try await read { db -> (head: [UInt8], file: BlobFileReader?, first: [UInt8]?)? in
            guard let found = try Self.contentLocation(db, message) else { return nil }
            var head = [UInt8](found.prefix)
            if let inline = found.inline { head.append(contentsOf: inline) }
            guard found.inline == nil, found.size > 0 else { return (head, nil, nil) }
            let file = try BlobFileReader(url: try files.url(for: found.sha256), expectedSize: found.size)
            return (head, file, try file.next(chunkSize))
        }
        guard let opened else { throw StoreError.notFound("message \(message.id)") }
        let source = MessageChunkSource(head: opened.head, file: opened.file, firstFileChunk: opened.first,
                                        chunkSize: chunkSize)
        let store = self
        return AsyncThrowingStream(unfolding: {
            // The prefix, inline content and first file chunk are already in memory; later file
            // reads go to the file queue, one chunk per request from the consumer.
            if let chunk = source.nextBufferedChunk() { return chunk }
            guard let file = source.file, !file.isAtEnd else { return nil }
            return try await store.onFileQueue { try file.next(chunkSize) }
        })
    }

    public func messageBytes(_ message: StoredMessage) async throws -> [UInt8] {
        let found = try await contentLocation(message)
        var bytes = [UInt8](found.prefix)
        if let inline = found.inline {
            bytes.append(contentsOf: inline)
        } else if found.size > 0 {
            let files = blobFiles
            bytes.append(contentsOf: try await onFileQueue {
                try files.read(found.sha256, expectedSize: found.size)
            })
        }
        return bytes
    }

    /// Where a message's bytes are: its prefix, and its content inline or in a blob file.
    private func contentLocation(_ message: StoredMessage) async throws
        -> (prefix: Data, sha256: String, inline: Data?, size: Int) {
        let found = try await read { db in try Self.contentLocation(db, message) }
        guard let found else { throw StoreError.notFound("message \(message.id)") }
        return found
    }

    /// The lookup behind `contentLocation`, for callers already on a reader.
    static func contentLocation(_ db: Database, _ message: StoredMessage) throws
        -> (prefix: Data, sha256: String, inline: Data?, size: Int)? {
        // Cached: parsing this statement anew showed up in a POP3 download's profile (one per RETR).
        let statement = try db.cachedStatement(sql: """
            SELECT m.prefix, m.content_sha256, b.data, b.size FROM messages m
            JOIN blobs b ON b.sha256 = m.content_sha256 WHERE m.id = ?
            """)
        guard let row = try Row.fetchOne(statement, arguments: [message.id]) else { return nil }
        let prefix: Data? = row["prefix"]
        return (prefix ?? Data(), row["content_sha256"], row["data"], Int(clamping: row["size"] as Int64))
    }

    /// RFC 7162 §3.1: a message whose flags really change gets a new MODSEQ, above every MODSEQ
    /// of the mailbox; setting a flag already set changes nothing and bumps nothing.
    public func updateFlags(mailboxID: MailboxID, uids: [UInt32], operation: FlagOperation,
                            flags: [String]) async throws -> [StoredMessage] {
        try await changeFlags(mailboxID: mailboxID, uids: uids, operation: operation, flags: flags,
                              unchangedSince: nil).updated
    }

    /// RFC 7162 §3.1.3: the test and the change happen in the same write transaction, so no other
    /// writer can slip a change in between.
    public func updateFlags(mailboxID: MailboxID, uids: [UInt32], operation: FlagOperation, flags: [String],
                            unchangedSince: UInt64) async throws -> ConditionalFlagUpdate {
        try await changeFlags(mailboxID: mailboxID, uids: uids, operation: operation, flags: flags,
                              unchangedSince: unchangedSince)
    }

    private func changeFlags(mailboxID: MailboxID, uids: [UInt32], operation: FlagOperation, flags: [String],
                             unchangedSince: UInt64?) async throws -> ConditionalFlagUpdate {
        let change = try MessageFlags(parsing: flags)
        let targets = Set(uids).sorted()
        let limit = unchangedSince.map { Int64(clamping: $0) }
        if let unchanged = flagUpdateChangingNothing(mailboxID: mailboxID, targets: targets, operation: operation,
                                                     change: change, limit: limit) {
            return unchanged
        }
        return try await write { db in
            guard let mailbox = try Row.fetchOne(db.cachedStatement(sql: "SELECT account_id, highest_modseq FROM mailboxes WHERE id = ?"),
                                                 arguments: [mailboxID]) else {
                throw StoreError.notFound("mailbox \(mailboxID)")
            }
            let accountID: AccountID = mailbox["account_id"]
            var modSeq: Int64 = mailbox["highest_modseq"]
            var unseenDelta: Int64 = 0
            var outcome = ConditionalFlagUpdate(updated: [], modified: [])
            var changes: [MailboxChange] = []
            for uid in targets {
                guard let (found, storedModSeq, current) = try Self.flagState(db, mailboxID: mailboxID, uid: uid) else { continue }
                var message = found
                if let limit, storedModSeq > limit {
                    outcome.modified.append(message)
                    continue
                }
                let next = try current.applying(operation, change)
                if !next.sameFlags(as: current) {
                    modSeq += 1
                    try db.cachedStatement(sql: "UPDATE messages SET system_flags = ?, keywords = ?, modseq = ? WHERE id = ?")
                        .execute(arguments: [next.system, next.storedKeywords, modSeq, message.id])
                    if current.isSeen != next.isSeen { unseenDelta += next.isSeen ? -1 : 1 }
                    message.flags = next.names
                    message.modSeq = UInt64(modSeq)
                    changes.append(MailboxChange(accountID: accountID, mailboxID: mailboxID, modSeq: UInt64(modSeq),
                                                 kind: .flagsChanged(uid: uid)))
                }
                outcome.updated.append(message)
            }
            if !changes.isEmpty {
                try db.cachedStatement(sql: "UPDATE mailboxes SET highest_modseq = ?, unseen_count = unseen_count + ? WHERE id = ?")
                    .execute(arguments: [modSeq, unseenDelta, mailboxID])
            }
            return WriteResult(value: outcome, changes: changes)
        }
    }

    /// Issue 8 (imap-mix STORE p99): a flag change that changes no flag — every target already
    /// has the flags asked for, or fails UNCHANGEDSINCE — is answered from a read, without waiting
    /// for the writer and for the fsync of whatever batch it is committing. Mail clients send such
    /// STOREs all the time (`+FLAGS (\\Seen)` on a message they already read); Dovecot, with
    /// `mail_fsync = always`, writes and syncs nothing for them either.
    ///
    /// Still durable (DESIGN.md rule 1): with `synchronous = FULL` SQLite syncs a commit's WAL
    /// frames before it publishes the commit to readers (wal.c `sqlite3WalFrames`: the sync, then
    /// `walIndexWriteHdr`), so flags a reader sees are on disk, and the OK reports nothing that is
    /// not. The answer is the state at the read's snapshot: a change committed by another session
    /// after it is ordered after this STORE, as it would be had this STORE committed then.
    ///
    /// nil when some flag would change, when no target was found (the write reports a missing
    /// mailbox), when the set is larger than one inline read, when no inline connection is free,
    /// or when the read fails: the write transaction then decides, as it always did.
    private func flagUpdateChangingNothing(mailboxID: MailboxID, targets: [UInt32], operation: FlagOperation,
                                           change: MessageFlags, limit: Int64?) -> ConditionalFlagUpdate? {
        guard targets.count <= InlineReaders.inlineRowLimit else { return nil }
        let read = try? inlineReaders.read { db -> ConditionalFlagUpdate? in
            var outcome = ConditionalFlagUpdate(updated: [], modified: [])
            for uid in targets {
                guard let (message, storedModSeq, current) = try Self.flagState(db, mailboxID: mailboxID, uid: uid) else { continue }
                if let limit, storedModSeq > limit {
                    outcome.modified.append(message)
                    continue
                }
                guard try current.applying(operation, change).sameFlags(as: current) else { return nil }
                outcome.updated.append(message)
            }
            return outcome.updated.isEmpty && outcome.modified.isEmpty ? nil : outcome
        }
        return read ?? nil
    }

    /// Message `uid` of the mailbox with its MODSEQ and flags, as a flag change reads it (in the
    /// write transaction, or in the read that finds there is nothing to write). Decoded from the
    /// statement (no copied `Row`, no lookups by name): one per STORE.
    private static func flagState(_ db: Database, mailboxID: MailboxID, uid: UInt32) throws
        -> (message: StoredMessage, modSeq: Int64, flags: MessageFlags)? {
        try ColumnCursor.first(db.cachedStatement(sql: """
            SELECT \(StoreRows.messageColumns) FROM messages WHERE mailbox_id = ? AND uid = ?
            """), arguments: [mailboxID, uid], { row in
                (StoreRows.message(row), row.int64(3), MessageFlags(storedSystem: row.int64(4), storedKeywords: row.string(5)))
            })
    }

    /// RFC 7162 §3.2.10: every expunged UID is kept with the MODSEQ of its removal, for VANISHED.
    public func expunge(mailboxID: MailboxID, uids: [UInt32]) async throws -> [UInt32] {
        try await expungeWithModSeqs(mailboxID: mailboxID, uids: uids).map(\.uid)
    }

    public func expungeWithModSeqs(mailboxID: MailboxID, uids: [UInt32]) async throws -> [(uid: UInt32, modSeq: UInt64)] {
        let targets = Set(uids).sorted()
        return try await removeMessages(mailboxID: mailboxID) { _ in targets }
    }

    /// Issue 8: the \Deleted lookup and the removal in one write transaction, one store trip per
    /// IMAP EXPUNGE instead of two (a read, then the write).
    public func expungeDeleted(mailboxID: MailboxID, among candidates: [UInt32]) async throws
        -> [(uid: UInt32, modSeq: UInt64)] {
        guard !candidates.isEmpty else { return [] }
        let allowed = Set(candidates)
        let deleted = MessageFlags.bit(forSystemFlag: "\\Deleted") ?? 8
        return try await removeMessages(mailboxID: mailboxID) { db in
            try Int64.fetchAll(db.cachedStatement(sql: """
                SELECT uid FROM messages WHERE mailbox_id = ? AND system_flags & ? != 0 ORDER BY uid
                """), arguments: [mailboxID, deleted]).map { UInt32(clamping: $0) }.filter { allowed.contains($0) }
        }
    }

    /// Removes what `choose` picks (sorted UIDs), inside the write transaction, giving each removal
    /// the next MODSEQ.
    private func removeMessages(mailboxID: MailboxID, choose: @escaping @Sendable (Database) throws -> [UInt32]) async throws
        -> [(uid: UInt32, modSeq: UInt64)] {
        let now = Date().timeIntervalSince1970
        let retention = configuration.expungeLogRetention
        let removed = try await write { db -> WriteResult<[ExpungedEntry]> in
            guard let mailbox = try Row.fetchOne(db.cachedStatement(sql: "SELECT account_id, highest_modseq FROM mailboxes WHERE id = ?"),
                                                 arguments: [mailboxID]) else {
                throw StoreError.notFound("mailbox \(mailboxID)")
            }
            let targets = try choose(db)
            guard !targets.isEmpty else { return WriteResult(value: []) }
            let accountID: AccountID = mailbox["account_id"]
            var modSeq: Int64 = mailbox["highest_modseq"]
            try ExpungeLog.prune(db, mailboxID: mailboxID, before: now - retention)
            var removed: [ExpungedEntry] = []
            var changes: [MailboxChange] = []
            var references: [String: Int] = [:]
            var removedBytes: Int64 = 0
            var removedUnseen: Int64 = 0
            for uid in targets {
                guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                    SELECT id, size, system_flags, content_sha256 FROM messages WHERE mailbox_id = ? AND uid = ?
                    """), arguments: [mailboxID, uid]) else { continue }
                modSeq += 1
                try db.cachedStatement(sql: "DELETE FROM messages WHERE id = ?")
                    .execute(arguments: [row["id"] as Int64])
                try ExpungeLog.record(db, mailboxID: mailboxID, uid: uid, modSeq: modSeq, now: now)
                references[row["content_sha256"], default: 0] += 1
                removedBytes += row["size"] as Int64
                if (row["system_flags"] as Int64) & MessageFlags.seenBit == 0 { removedUnseen += 1 }
                removed.append(ExpungedEntry(uid: uid, modSeq: UInt64(modSeq)))
                changes.append(MailboxChange(accountID: accountID, mailboxID: mailboxID, modSeq: UInt64(modSeq),
                                             kind: .expunged(uid: uid)))
            }
            guard !removed.isEmpty else { return WriteResult(value: []) }
            let released = try BlobReferences.release(db, references)
            try db.cachedStatement(sql: """
                UPDATE mailboxes SET highest_modseq = ?, message_count = message_count - ?, unseen_count = unseen_count - ?,
                    total_bytes = total_bytes - ? WHERE id = ?
                """).execute(arguments: [modSeq, removed.count, removedUnseen, removedBytes, mailboxID])
            try db.cachedStatement(sql: "UPDATE accounts SET used_bytes = used_bytes - ?, message_count = message_count - ? WHERE id = ?")
                .execute(arguments: [removedBytes, removed.count, accountID])
            return WriteResult(value: removed, changes: changes, releasedFiles: released)
        }
        return removed.map { ($0.uid, $0.modSeq) }
    }

    public func expunged(mailboxID: MailboxID, sinceModSeq modSeq: UInt64) async throws -> [(uid: UInt32, modSeq: UInt64)] {
        let since = Int64(clamping: modSeq)
        let rows = try await read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT uid, modseq FROM expunged WHERE mailbox_id = ? AND modseq > ? ORDER BY uid"),
                             arguments: [mailboxID, since]).map { row -> ExpungedEntry in
                ExpungedEntry(uid: StoreRows.uint32(row["uid"]), modSeq: StoreRows.uint64(row["modseq"]))
            }
        }
        return rows.map { ($0.uid, $0.modSeq) }
    }

    public func expungeLogFloor(mailboxID: MailboxID) async throws -> UInt64 {
        let floor = try await read { db in
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT expunge_log_floor FROM mailboxes WHERE id = ?"), arguments: [mailboxID]) ?? 0
        }
        return StoreRows.uint64(floor)
    }

    /// Test-visible view of a blob row, for the content-addressing tests.
    func blobInfo(sha256: String) async throws -> (refCount: Int, inline: Bool)? {
        let row = try await read { db -> BlobRowInfo? in
            try Row.fetchOne(db, sql: "SELECT ref_count, data IS NOT NULL AS inline FROM blobs WHERE sha256 = ?",
                             arguments: [sha256]).map { BlobRowInfo(refCount: $0["ref_count"], inline: $0["inline"]) }
        }
        return row.map { ($0.refCount, $0.inline) }
    }

    func blobCount() async throws -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM blobs") ?? 0 }
    }
}

private struct ExpungedEntry: Sendable {
    let uid: UInt32
    let modSeq: UInt64
}

private struct BlobRowInfo: Sendable {
    let refCount: Int
    let inline: Bool
}

/// The in-memory part of a chunked read. `@unchecked Sendable`: only the stream's unfolding
/// closure uses it, and that closure is never called concurrently with itself.
private final class MessageChunkSource: @unchecked Sendable {
    private let head: [UInt8]
    private var headOffset = 0
    private var firstFileChunk: [UInt8]?
    let file: BlobFileReader?
    let chunkSize: Int

    init(head: [UInt8], file: BlobFileReader?, firstFileChunk: [UInt8]?, chunkSize: Int) {
        self.head = head
        self.file = file
        self.firstFileChunk = firstFileChunk
        self.chunkSize = chunkSize
    }

    /// The head in `chunkSize` pieces (handed over whole when it fits: no copy), then the file
    /// chunk read while opening.
    func nextBufferedChunk() -> [UInt8]? {
        if headOffset < head.count {
            let end = min(headOffset + chunkSize, head.count)
            defer { headOffset = end }
            return headOffset == 0 && end == head.count ? head : Array(head[headOffset..<end])
        }
        defer { firstFileChunk = nil }
        return firstFileChunk
    }
}
