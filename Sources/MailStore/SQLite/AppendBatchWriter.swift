// The transaction behind group commit: stores one batch of prepared appends, assigning UIDs and
// MODSEQs, checking quotas and counting blob references, all inside one commit.
import Foundation
import GRDB

/// Per request: `.failure` when the whole transaction failed, else the request's own result.
typealias AppendOutcome = Result<Result<AppendedMessage, StoreError>, StoreError>

/// Everything the writer needs, and nothing that refers back to the store, so the group-commit
/// queue can own it.
struct AppendBatchWriter: Sendable {
    let pool: DatabasePool
    let blobFiles: BlobFileStore
    let broadcaster: ChangeBroadcaster
    let inlineBodyLimit: Int
    let statistics: AppendStatistics
    /// Indexes the batch's messages after the commit (they are stored pending).
    let fullTextIndexer: FullTextIndexer

    /// Per-mailbox state carried through one batch and written back once at the end.
    private struct MailboxState {
        let accountID: AccountID
        let uidValidity: UInt32
        var uidNext: Int64
        var highestModSeq: Int64
        var addedCount: Int64 = 0
        var addedUnseen: Int64 = 0
        var addedBytes: Int64 = 0
    }

    private struct AccountState {
        let quotaBytes: Int64?
        let usedBytes: Int64
        let quotaMessages: Int64?
        let messageCount: Int64
        var addedBytes: Int64 = 0
        var addedCount: Int64 = 0
    }

    /// One outcome per request, in order: the inner result is the request's own (stored, or
    /// refused like over quota); an outer failure means the transaction itself failed and nothing
    /// of the batch was stored.
    /// Runs on the writer (`db` is its connection), called by the store's WriterCommitQueue.
    func commit(_ db: Database, _ requests: [PreparedAppend]) -> [AppendOutcome] {
        let written = SQLiteMailStore.performWrite(db: db, broadcaster: broadcaster, blobFiles: blobFiles) { db in
            try storeBatch(db, requests)
        }
        switch written {
        case .success(let results):
            statistics.record(transactionOf: requests.count)
            fullTextIndexer.noteAppended()
            return results.map { .success($0) }
        case .failure(let failure):
            return requests.map { _ in .failure(failure) }
        }
    }

    private func storeBatch(_ db: Database, _ requests: [PreparedAppend])
        throws -> SQLiteMailStore.WriteResult<[Result<AppendedMessage, StoreError>]> {
        var mailboxes: [MailboxID: MailboxState] = [:]
        var accounts: [AccountID: AccountState] = [:]
        var results: [Result<AppendedMessage, StoreError>] = []
        var changes: [MailboxChange] = []
        let saveDate = Date().timeIntervalSince1970
        // Bodies this transaction already holds a blob row for (a message to several accounts is
        // several requests with one body): the next reference is a counter increment, without
        // copying and binding the inline body again (issue 8).
        var storedBodies: Set<String> = []
        for prepared in requests {
            do {
                let request = prepared.request
                let mailboxID = try resolveMailbox(db, prepared, into: &mailboxes)
                guard var mailbox = mailboxes[mailboxID] else { throw StoreError.notFound("mailbox") }
                var account = try loadAccount(db, request.accountID, into: &accounts)
                let size = Int64(prepared.size)
                if request.enforceQuota, let quota = account.quotaBytes,
                   account.usedBytes + account.addedBytes + size > quota {
                    throw StoreError.overQuota(accountID: request.accountID)
                }
                // RFC 9208 §5.2: the MESSAGE resource counts every message of the account.
                if request.enforceQuota, let limit = account.quotaMessages,
                   account.messageCount + account.addedCount + 1 > limit {
                    throw StoreError.overQuota(accountID: request.accountID)
                }
                guard mailbox.uidNext < Int64(UInt32.max) else {
                    throw StoreError.backend("mailbox UID space exhausted")
                }
                let uid = mailbox.uidNext
                let modSeq = mailbox.highestModSeq + 1
                var messageID: MessageID = 0
                // A savepoint per request: an SQL failure undoes this request only.
                try db.inSavepoint {
                    try addContentReference(db, prepared, knownStored: storedBodies.contains(prepared.request.content.sha256))
                    messageID = try insertMessage(db, prepared, mailboxID: mailboxID, uid: uid, modSeq: modSeq,
                                                  saveDate: saveDate)
                    return .commit
                }
                storedBodies.insert(prepared.request.content.sha256)
                mailbox.uidNext = uid + 1
                mailbox.highestModSeq = modSeq
                mailbox.addedCount += 1
                mailbox.addedBytes += size
                if !prepared.flags.isSeen { mailbox.addedUnseen += 1 }
                mailboxes[mailboxID] = mailbox
                account.addedBytes += size
                account.addedCount += 1
                accounts[request.accountID] = account
                results.append(.success(AppendedMessage(messageID: messageID, mailboxID: mailboxID,
                                                        uidValidity: mailbox.uidValidity, uid: UInt32(uid),
                                                        modSeq: UInt64(modSeq))))
                changes.append(MailboxChange(accountID: request.accountID, mailboxID: mailboxID,
                                             modSeq: UInt64(modSeq), kind: .appended(uid: UInt32(uid))))
            } catch {
                results.append(.failure(StoreError(mapping: error)))
            }
        }
        for (id, mailbox) in mailboxes where mailbox.addedCount > 0 {
            try db.cachedStatement(sql: """
                UPDATE mailboxes SET uid_next = ?, highest_modseq = ?, message_count = message_count + ?,
                    unseen_count = unseen_count + ?, total_bytes = total_bytes + ? WHERE id = ?
                """).execute(arguments: [mailbox.uidNext, mailbox.highestModSeq, mailbox.addedCount, mailbox.addedUnseen,
                                 mailbox.addedBytes, id])
        }
        for (id, account) in accounts where account.addedCount > 0 {
            try db.cachedStatement(sql: """
                UPDATE accounts SET used_bytes = used_bytes + ?, message_count = message_count + ? WHERE id = ?
                """).execute(arguments: [account.addedBytes, account.addedCount, id])
        }
        return SQLiteMailStore.WriteResult(value: results, changes: changes)
    }

    /// The mailbox must belong to the request's account: an id from another account is
    /// "not found", never a cross-account write (DESIGN.md rule 3).
    private func resolveMailbox(_ db: Database, _ prepared: PreparedAppend,
                                into mailboxes: inout [MailboxID: MailboxState]) throws -> MailboxID {
        let accountID = prepared.request.accountID
        let row: Row?
        let columns = "id, account_id, uid_validity, uid_next, highest_modseq"
        switch prepared.request.mailbox {
        case .inbox:
            row = try Row.fetchOne(db.cachedStatement(sql: "SELECT \(columns) FROM mailboxes WHERE account_id = ? AND name = 'INBOX'"),
                                   arguments: [accountID])
        case .name:
            row = try Row.fetchOne(db.cachedStatement(sql: "SELECT \(columns) FROM mailboxes WHERE account_id = ? AND name = ?"),
                                   arguments: [accountID, prepared.mailboxName])
        case .id(let id):
            row = try Row.fetchOne(db.cachedStatement(sql: "SELECT \(columns) FROM mailboxes WHERE id = ? AND account_id = ?"),
                                   arguments: [id, accountID])
        }
        guard let row else { throw StoreError.notFound("mailbox") }
        let id: MailboxID = row["id"]
        if mailboxes[id] == nil {
            mailboxes[id] = MailboxState(accountID: row["account_id"], uidValidity: StoreRows.uint32(row["uid_validity"]),
                                         uidNext: row["uid_next"], highestModSeq: row["highest_modseq"])
        }
        return id
    }

    private func loadAccount(_ db: Database, _ id: AccountID,
                             into accounts: inout [AccountID: AccountState]) throws -> AccountState {
        if let cached = accounts[id] { return cached }
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT quota_bytes, used_bytes, quota_messages, message_count FROM accounts WHERE id = ?"),
                                         arguments: [id]) else {
            throw StoreError.notFound("account \(id)")
        }
        let state = AccountState(quotaBytes: row["quota_bytes"], usedBytes: row["used_bytes"],
                                 quotaMessages: row["quota_messages"], messageCount: row["message_count"])
        accounts[id] = state
        return state
    }

    private func addContentReference(_ db: Database, _ prepared: PreparedAppend, knownStored: Bool) throws {
        let content = prepared.request.content
        // The row was written by an earlier request of this transaction (its savepoint released);
        // should it be gone after all, the full insert below still runs.
        if knownStored, try BlobReferences.incrementReference(db, sha256: content.sha256) { return }
        if prepared.storesInline {
            try BlobReferences.addReference(db, sha256: content.sha256, size: content.bytes.count,
                                            inlineData: Data(content.bytes))
        } else {
            // The caller wrote the file before queueing; check again under the write lock, since
            // an expunge may have released and unlinked the same body meanwhile.
            if try !blobFiles.exists(content.sha256) {
                try blobFiles.write(content.bytes, sha256: content.sha256)
            }
            try BlobReferences.addReference(db, sha256: content.sha256, size: content.bytes.count, inlineData: nil,
                                            plainForPOP3: prepared.plainForPOP3,
                                            pop3DotOffsets: prepared.pop3DotOffsets)
        }
    }

    private func insertMessage(_ db: Database, _ prepared: PreparedAppend, mailboxID: MailboxID, uid: Int64,
                               modSeq: Int64, saveDate: Double) throws -> Int64 {
        let request = prepared.request
        let fields = request.searchFields
        let columns: [(any DatabaseValueConvertible)?] = [
            mailboxID, uid, modSeq, prepared.flags.system, prepared.flags.storedKeywords,
            request.internalDate.timeIntervalSince1970, saveDate, prepared.size,
            request.prefix.isEmpty ? nil : Data(request.prefix), request.content.sha256,
            request.metadata.isEmpty ? nil : request.metadata,
            fields.subject, fields.from, fields.to, fields.cc, fields.bcc, fields.messageIDHeader,
            fields.sentDate?.timeIntervalSince1970,
            request.deliveryEnvelope.isEmpty ? nil : request.deliveryEnvelope,
            // Issue 8: indexed after the commit, off the delivery path (FullTextIndexer).
            FullTextIndex.State.pending,
        ]
        // Issue 8: the SORT/THREAD keys are named in the INSERT itself (they were a second
        // UPDATE of the same row by primary key, in the same commit).
        try db.cachedStatement(sql: """
            INSERT INTO messages (mailbox_id, uid, modseq, system_flags, keywords, internal_date, save_date, size,
                prefix, content_sha256, metadata, subject, from_field, to_field, cc_field, bcc_field,
                message_id_header, sent_date, delivery_envelope, fulltext, \(SortKeyColumns.copied))
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, \(SortKeyColumns.placeholders))
            """).execute(arguments: StatementArguments(columns + SortKeyColumns.values(prepared.sortKeys)))
        let messageID = db.lastInsertedRowID
        if let folded = prepared.foldedSearch {
            try FoldedSearchTable.insert(db, messageID: messageID, folded: folded)
        }
        return messageID
    }
}
