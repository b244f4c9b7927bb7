// Mailboxes: create, delete, rename, subscribe. Names are checked by MailboxName; the SQL only
// ever sees them as bound values.
import Foundation
import GRDB

extension SQLiteMailStore {
    public func mailboxes(accountID: AccountID) async throws -> [Mailbox] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT \(StoreRows.mailboxColumns) FROM mailboxes WHERE account_id = ? ORDER BY name",
                             arguments: [accountID]).map(StoreRows.mailbox)
        }
    }

    public func mailbox(accountID: AccountID, name: String) async throws -> Mailbox? {
        guard let checked = try? MailboxName(name) else { return nil }
        // One indexed row: always small enough to read inline.
        return try await boundedRead { db, _ -> Mailbox?? in
            try Self.fetchMailbox(db, accountID: accountID, name: checked.value)
        }
    }

    @discardableResult
    public func createMailbox(accountID: AccountID, name: String, specialUse: SpecialUse?) async throws -> Mailbox {
        let checked = try MailboxName(name)
        return try await write { db in
            try Self.requireAccount(db, accountID)
            if try Self.fetchMailbox(db, accountID: accountID, name: checked.value) != nil {
                throw StoreError.alreadyExists("mailbox \(checked)")
            }
            // RFC 9051 §6.3.4: create the superior names the new one needs.
            var changes = try Self.createMissingAncestors(db, accountID: accountID, of: checked)
            let mailbox = try Self.insertMailbox(db, accountID: accountID, name: checked.value,
                                                 specialUse: specialUse, subscribed: false)
            changes.append(MailboxChange(accountID: accountID, mailboxID: mailbox.id, modSeq: mailbox.highestModSeq,
                                         kind: .mailboxCreated))
            return WriteResult(value: mailbox, changes: changes)
        }
    }

    /// RFC 9051 §6.3.5: INBOX cannot be deleted; the messages go with the mailbox; inferior names
    /// stay (the parent then shows as \Noselect / \NonExistent in LIST, which IMAP derives).
    public func deleteMailbox(accountID: AccountID, name: String) async throws {
        let checked = try MailboxName(name)
        guard !checked.isInbox else { throw StoreError.invalidName("INBOX cannot be deleted") }
        try await write { db in
            guard let mailbox = try Self.fetchMailbox(db, accountID: accountID, name: checked.value) else {
                throw StoreError.notFound("mailbox \(checked)")
            }
            let counts = try BlobReferences.references(db, messagesWhere: "m.mailbox_id = ?", arguments: [mailbox.id])
            try db.execute(sql: """
                UPDATE accounts SET used_bytes = used_bytes - ?, message_count = message_count - ? WHERE id = ?
                """, arguments: [mailbox.totalBytes, mailbox.messageCount, accountID])
            try db.execute(sql: "DELETE FROM messages WHERE mailbox_id = ?", arguments: [mailbox.id])
            let released = try BlobReferences.release(db, counts)
            try db.execute(sql: "DELETE FROM mailboxes WHERE id = ?", arguments: [mailbox.id])   // cascades the log
            let change = MailboxChange(accountID: accountID, mailboxID: mailbox.id, modSeq: mailbox.highestModSeq,
                                       kind: .mailboxDeleted)
            return WriteResult(value: (), changes: [change], releasedFiles: released)
        }
    }

    /// RFC 9051 §6.3.6: inferior names move along; superior names of the target are created;
    /// renaming INBOX moves its messages to the new name and leaves an empty INBOX.
    public func renameMailbox(accountID: AccountID, from: String, to: String) async throws {
        let source = try MailboxName(from)
        let target = try MailboxName(to)
        // INBOX is the exception: its inferiors do not move, so "INBOX" → "INBOX/Old" is fine.
        guard source.isInbox || !source.isAncestor(of: target.value) else {
            throw StoreError.invalidName("cannot move a mailbox below itself")
        }
        try await write { db in
            guard let mailbox = try Self.fetchMailbox(db, accountID: accountID, name: source.value) else {
                throw StoreError.notFound("mailbox \(source)")
            }
            if try Self.fetchMailbox(db, accountID: accountID, name: target.value) != nil {
                throw StoreError.alreadyExists("mailbox \(target)")
            }
            var changes: [MailboxChange] = []
            if source.isInbox {
                // The INBOX row (id, UIDs, UIDVALIDITY, counters) becomes the new mailbox; a fresh
                // INBOX with a new UIDVALIDITY takes its place. INBOX's inferiors are unaffected.
                try db.execute(sql: "UPDATE mailboxes SET name = ? WHERE id = ?", arguments: [target.value, mailbox.id])
                let inbox = try Self.insertMailbox(db, accountID: accountID, name: MailboxName.inbox,
                                                   specialUse: nil, subscribed: mailbox.subscribed)
                changes.append(MailboxChange(accountID: accountID, mailboxID: mailbox.id, modSeq: mailbox.highestModSeq,
                                             kind: .mailboxRenamed))
                changes.append(MailboxChange(accountID: accountID, mailboxID: inbox.id, modSeq: inbox.highestModSeq,
                                             kind: .mailboxCreated))
            } else {
                changes = try Self.renameSubtree(db, accountID: accountID, from: source, to: target)
            }
            changes.append(contentsOf: try Self.createMissingAncestors(db, accountID: accountID, of: target))
            return WriteResult(value: (), changes: changes)
        }
    }

    public func setSubscribed(accountID: AccountID, name: String, subscribed: Bool) async throws {
        let checked = try MailboxName(name)
        try await write { db in
            try db.execute(sql: "UPDATE mailboxes SET subscribed = ? WHERE account_id = ? AND name = ?",
                           arguments: [subscribed, accountID, checked.value])
            guard db.changesCount > 0 else { throw StoreError.notFound("mailbox \(checked)") }
            return WriteResult(value: ())
        }
    }

    // MARK: Helpers (run inside a transaction)

    static func fetchMailbox(_ db: Database, accountID: AccountID, name: String) throws -> Mailbox? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(StoreRows.mailboxColumns) FROM mailboxes WHERE account_id = ? AND name = ?"),
                         arguments: [accountID, name]).map(StoreRows.mailbox)
    }

    static func requireAccount(_ db: Database, _ accountID: AccountID) throws {
        guard try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM accounts WHERE id = ?"), arguments: [accountID]) ?? false else {
            throw StoreError.notFound("account \(accountID)")
        }
    }

    /// Inserts an empty mailbox with a fresh UIDVALIDITY. UIDNEXT starts at 1 and HIGHESTMODSEQ
    /// at 1, so the first message gets MODSEQ 2 (RFC 7162 §3.1: mod-sequences are positive).
    static func insertMailbox(_ db: Database, accountID: AccountID, name: String, specialUse: SpecialUse?,
                              subscribed: Bool) throws -> Mailbox {
        let uidValidity = try nextUIDValidity(db)
        try db.execute(sql: """
            INSERT INTO mailboxes (account_id, name, uid_validity, uid_next, highest_modseq, special_use, subscribed)
            VALUES (?, ?, ?, 1, 1, ?, ?)
            """, arguments: [accountID, name, uidValidity, specialUse?.rawValue, subscribed])
        return Mailbox(id: db.lastInsertedRowID, accountID: accountID, name: name, uidValidity: uidValidity, uidNext: 1,
                       highestModSeq: 1, specialUse: specialUse, subscribed: subscribed, messageCount: 0,
                       unseenCount: 0, totalBytes: 0)
    }

    /// RFC 9051 §2.3.1.1: UIDVALIDITY must change whenever a name is reused for a new mailbox.
    /// One store-wide counter, never below the creation time in seconds, so no two mailboxes ever
    /// share a value (until 2106 or 4 billion creations, after which it wraps to 1).
    static func nextUIDValidity(_ db: Database) throws -> UInt32 {
        let last = try Int64.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'last_uid_validity'") ?? 0
        let now = Int64(Date().timeIntervalSince1970)
        var next = max(last + 1, now)
        if next > Int64(UInt32.max) || next < 1 { next = 1 }
        try db.execute(sql: "INSERT OR REPLACE INTO settings (key, value) VALUES ('last_uid_validity', ?)", arguments: [next])
        return UInt32(next)
    }

    static func createMissingAncestors(_ db: Database, accountID: AccountID, of name: MailboxName) throws -> [MailboxChange] {
        var changes: [MailboxChange] = []
        for ancestor in name.ancestors where try fetchMailbox(db, accountID: accountID, name: ancestor) == nil {
            let created = try insertMailbox(db, accountID: accountID, name: ancestor, specialUse: nil, subscribed: false)
            changes.append(MailboxChange(accountID: accountID, mailboxID: created.id, modSeq: created.highestModSeq,
                                         kind: .mailboxCreated))
        }
        return changes
    }

    /// Renames `from` and every name below it. Names are first moved to placeholders (a control
    /// character no real name can contain), so the unique index never sees a transient clash.
    static func renameSubtree(_ db: Database, accountID: AccountID, from: MailboxName,
                              to: MailboxName) throws -> [MailboxChange] {
        let prefix = from.value + String(MailboxName.delimiter)
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, name, highest_modseq FROM mailboxes
            WHERE account_id = ? AND (name = ? OR substr(name, 1, ?) = ?)
            """, arguments: [accountID, from.value, prefix.unicodeScalars.count, prefix])   // substr counts code points
        var renames: [(id: MailboxID, name: String, modSeq: UInt64)] = []
        for row in rows {
            let oldName: String = row["name"]
            let suffix = String(String.UnicodeScalarView(oldName.unicodeScalars.dropFirst(from.value.unicodeScalars.count)))
            let newRaw = to.value + suffix
            renames.append((row["id"], try MailboxName(newRaw).value, StoreRows.uint64(row["highest_modseq"])))
        }
        let movedIDs = Set(renames.map(\.id))
        for rename in renames {
            if let existing = try fetchMailbox(db, accountID: accountID, name: rename.name), !movedIDs.contains(existing.id) {
                throw StoreError.alreadyExists("mailbox \(rename.name)")
            }
        }
        for rename in renames {
            try db.execute(sql: "UPDATE mailboxes SET name = char(1) || id WHERE id = ?", arguments: [rename.id])
        }
        for rename in renames {
            try db.execute(sql: "UPDATE mailboxes SET name = ? WHERE id = ?", arguments: [rename.name, rename.id])
        }
        return renames.map {
            MailboxChange(accountID: accountID, mailboxID: $0.id, modSeq: $0.modSeq, kind: .mailboxRenamed)
        }
    }
}
