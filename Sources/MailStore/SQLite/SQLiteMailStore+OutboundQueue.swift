// The outbound queue and Sieve's memory of past deliveries (tables of "v8-outbound-queue" and
// "v9-sieve-duplicates"), written in one transaction per delivery.
import Foundation
import GRDB

extension SQLiteMailStore {
    /// Expired memory rows pruned per write; enough to keep up, bounded so a write stays short.
    static let memoryPruneBatch = 200

    public func enqueueOutbound(_ messages: [OutboundMessage], recording memory: [SieveMemoryRecord]) async throws -> [OutboundQueueID] {
        if messages.isEmpty && memory.isEmpty { return [] }
        let now = Date().timeIntervalSince1970
        return try await write { db in
            var ids: [OutboundQueueID] = []
            for message in messages {
                guard !message.recipients.isEmpty else { throw StoreError.invalidName("outbound message without recipients") }
                try db.execute(sql: """
                    INSERT INTO outbound_queue (created_at, envelope_from, recipients, content, size, origin, account_id,
                                                next_attempt_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [now, message.envelopeFrom, message.recipients.joined(separator: "\n"),
                                     Data(message.content), message.content.count, message.origin.rawValue,
                                     message.accountID, now])
                ids.append(db.lastInsertedRowID)
            }
            for record in memory {
                try Self.remember(db, record)
            }
            for accountID in Set(memory.map(\.accountID)) {
                try db.execute(sql: """
                    DELETE FROM sieve_memory WHERE rowid IN (
                        SELECT rowid FROM sieve_memory WHERE account_id = ? AND expires_at < ? LIMIT ?)
                    """, arguments: [accountID, now, Self.memoryPruneBatch])
            }
            return WriteResult(value: ids)
        }
    }

    private static func remember(_ db: Database, _ record: SieveMemoryRecord) throws {
        let now = record.at.timeIntervalSince1970
        let expires = now + Double(max(0, record.period))
        let arguments: StatementArguments = [record.accountID, record.key.kind.rawValue, record.key.handle, record.key.key]
        let existing = try Row.fetchOne(db, sql: """
            SELECT created_at, expires_at FROM sieve_memory WHERE account_id = ? AND kind = ? AND handle = ? AND key = ?
            """, arguments: arguments)
        let live = existing.map { ($0["expires_at"] as Double) > now } ?? false
        switch (record.mode, live) {
        case (.keepFirst, true):
            return   // RFC 7352 §3.3: later duplicates do not move the expiry.
        case (.extend, true):
            try db.execute(sql: """
                UPDATE sieve_memory SET expires_at = ? WHERE account_id = ? AND kind = ? AND handle = ? AND key = ?
                """, arguments: [expires] + arguments)
        default:
            try db.execute(sql: """
                INSERT OR REPLACE INTO sieve_memory (account_id, kind, handle, key, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: arguments + [now, expires])
        }
    }

    public func outboundQueue() async throws -> [OutboundQueueEntry] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, created_at, envelope_from, recipients, size, origin, account_id, attempts, next_attempt_at,
                       last_error FROM outbound_queue ORDER BY id
                """).map { row in
                let recipients: String = row["recipients"]
                let origin: String = row["origin"]
                return OutboundQueueEntry(
                    id: row["id"], created: Date(timeIntervalSince1970: row["created_at"]),
                    envelopeFrom: row["envelope_from"],
                    recipients: recipients.split(separator: "\n").map(String.init), size: row["size"],
                    // A row written by a newer version with an unknown origin still lists.
                    origin: OutboundOrigin(rawValue: origin) ?? .sieveRedirect,
                    accountID: row["account_id"], attempts: row["attempts"],
                    nextAttempt: Date(timeIntervalSince1970: row["next_attempt_at"]), lastError: row["last_error"])
            }
        }
    }

    public func outboundContent(id: OutboundQueueID) async throws -> [UInt8]? {
        try await read { db in
            try Data.fetchOne(db, sql: "SELECT content FROM outbound_queue WHERE id = ?", arguments: [id]).map { [UInt8]($0) }
        }
    }

    public func removeOutbound(id: OutboundQueueID) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM outbound_queue WHERE id = ?", arguments: [id])
            guard db.changesCount > 0 else { throw StoreError.notFound("queued message \(id)") }
            return WriteResult(value: ())
        }
    }

    public func sieveMemory(accountID: AccountID, keys: [SieveMemoryKey]) async throws -> [SieveMemoryKey: SieveMemoryEntry] {
        if keys.isEmpty { return [:] }
        return try await read { db in
            var found: [SieveMemoryKey: SieveMemoryEntry] = [:]
            let statement = try db.cachedStatement(sql: """
                SELECT created_at, expires_at FROM sieve_memory WHERE account_id = ? AND kind = ? AND handle = ? AND key = ?
                """)
            for key in Set(keys) {
                if let row = try Row.fetchOne(statement, arguments: [accountID, key.kind.rawValue, key.handle, key.key]) {
                    found[key] = SieveMemoryEntry(created: Date(timeIntervalSince1970: row["created_at"]),
                                                  expires: Date(timeIntervalSince1970: row["expires_at"]))
                }
            }
            return found
        }
    }
}
