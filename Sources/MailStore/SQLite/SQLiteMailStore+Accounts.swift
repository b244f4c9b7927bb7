// Accounts: one per mailbox owner; a new account gets the standard mailboxes.
import Foundation
import GRDB

extension SQLiteMailStore {
    /// RFC 6154 §2: the special-use mailboxes every new account starts with, all subscribed.
    static let defaultMailboxes: [(name: String, specialUse: SpecialUse?)] = [
        ("INBOX", nil), ("Drafts", .drafts), ("Sent", .sent), ("Trash", .trash), ("Junk", .junk),
        ("Archive", .archive),
    ]
    /// A hash is a short printable string; anything else is a caller bug.
    static let maxPasswordHashBytes = 1024

    @discardableResult
    public func addAccount(address: String, passwordHash: String, quotaBytes: Int64?) async throws -> Account {
        let key = try AddressKey(address)
        try Self.checkPasswordHash(passwordHash)
        try Self.checkQuota(quotaBytes)
        return try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM domains WHERE name = ?", arguments: [key.domain]) ?? false else {
                throw StoreError.notFound("domain \(key.domain)")
            }
            if try Bool.fetchOne(db, sql: """
                SELECT 1 FROM accounts WHERE address_key = ? UNION ALL SELECT 1 FROM aliases WHERE address_key = ?
                """, arguments: [key.key, key.key]) ?? false {
                throw StoreError.alreadyExists("address \(key.address)")
            }
            try db.execute(sql: """
                INSERT INTO accounts (address, address_key, domain, password_hash, quota_bytes) VALUES (?, ?, ?, ?, ?)
                """, arguments: [key.address, key.key, key.domain, passwordHash, quotaBytes])
            let id = db.lastInsertedRowID
            var changes: [MailboxChange] = []
            for (name, specialUse) in Self.defaultMailboxes {
                let mailbox = try Self.insertMailbox(db, accountID: id, name: name, specialUse: specialUse, subscribed: true)
                changes.append(MailboxChange(accountID: id, mailboxID: mailbox.id, modSeq: mailbox.highestModSeq,
                                             kind: .mailboxCreated))
            }
            let account = Account(id: id, address: key.address, passwordHash: passwordHash, quotaBytes: quotaBytes,
                                  usedBytes: 0, messageCount: 0)
            return WriteResult(value: account, changes: changes)
        }
    }

    /// Removes the account with its mailboxes and messages, releasing their bodies.
    public func removeAccount(address: String) async throws {
        let key = try AddressKey(address)
        try await write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM accounts WHERE address_key = ?", arguments: [key.key]) else {
                throw StoreError.notFound("account \(key.address)")
            }
            let mailboxes = try Row.fetchAll(db, sql: "SELECT id, highest_modseq FROM mailboxes WHERE account_id = ?",
                                             arguments: [id])
            let counts = try BlobReferences.references(
                db, messagesWhere: "m.mailbox_id IN (SELECT id FROM mailboxes WHERE account_id = ?)", arguments: [id])
            try db.execute(sql: "DELETE FROM messages WHERE mailbox_id IN (SELECT id FROM mailboxes WHERE account_id = ?)",
                           arguments: [id])
            let released = try BlobReferences.release(db, counts)
            try db.execute(sql: "DELETE FROM accounts WHERE id = ?", arguments: [id])   // cascades mailboxes, log
            let changes = mailboxes.map {
                MailboxChange(accountID: id, mailboxID: $0["id"], modSeq: StoreRows.uint64($0["highest_modseq"]),
                              kind: .mailboxDeleted)
            }
            return WriteResult(value: (), changes: changes, releasedFiles: released)
        }
    }

    public func account(address: String) async throws -> Account? {
        guard let key = try? AddressKey(address) else { return nil }
        return try await read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(StoreRows.accountColumns) FROM accounts WHERE address_key = ?"),
                             arguments: [key.key]).map(StoreRows.account)
        }
    }

    public func account(id: AccountID) async throws -> Account? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(StoreRows.accountColumns) FROM accounts WHERE id = ?",
                             arguments: [id]).map(StoreRows.account)
        }
    }

    public func accounts(domain: String?) async throws -> [Account] {
        let domainName = try domain.map { try AddressKey.domainName($0) }
        return try await read { db in
            if let domainName {
                return try Row.fetchAll(db, sql: "SELECT \(StoreRows.accountColumns) FROM accounts WHERE domain = ? ORDER BY address_key",
                                        arguments: [domainName]).map(StoreRows.account)
            }
            return try Row.fetchAll(db, sql: "SELECT \(StoreRows.accountColumns) FROM accounts ORDER BY domain, address_key")
                .map(StoreRows.account)
        }
    }

    public func setPasswordHash(address: String, hash: String) async throws {
        let key = try AddressKey(address)
        try Self.checkPasswordHash(hash)
        try await write { db in
            try db.execute(sql: "UPDATE accounts SET password_hash = ?, scram_sha256 = NULL WHERE address_key = ?", arguments: [hash, key.key])
            guard db.changesCount > 0 else { throw StoreError.notFound("account \(key.address)") }
            return WriteResult(value: ())
        }
    }

    public func setQuota(address: String, bytes: Int64?) async throws {
        let key = try AddressKey(address)
        try Self.checkQuota(bytes)
        try await write { db in
            try db.execute(sql: "UPDATE accounts SET quota_bytes = ? WHERE address_key = ?", arguments: [bytes, key.key])
            guard db.changesCount > 0 else { throw StoreError.notFound("account \(key.address)") }
            return WriteResult(value: ())
        }
    }

    public func setMessageQuota(address: String, messages: Int64?) async throws {
        let key = try AddressKey(address)
        try Self.checkQuota(messages)
        try await write { db in
            try db.execute(sql: "UPDATE accounts SET quota_messages = ? WHERE address_key = ?", arguments: [messages, key.key])
            guard db.changesCount > 0 else { throw StoreError.notFound("account \(key.address)") }
            return WriteResult(value: ())
        }
    }

    static func checkPasswordHash(_ hash: String) throws(StoreError) {
        // The hash itself never goes into an error message.
        guard hash.utf8.count <= maxPasswordHashBytes,
              !hash.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .invalidName("password hash format")
        }
    }

    static func checkQuota(_ bytes: Int64?) throws(StoreError) {
        if let bytes, bytes < 0 { throw .invalidName("negative quota") }
    }
}
