// Sieve scripts per account (RFC 5804 semantics): PUTSCRIPT, GETSCRIPT, LISTSCRIPTS, SETACTIVE,
// DELETESCRIPT, RENAMESCRIPT, and the active script for delivery.
import Foundation
import GRDB

extension SQLiteMailStore {
    public func putSieveScript(accountID: AccountID, name: String, content: String) async throws {
        let name = try SieveScriptName.check(name)
        try SieveScriptName.checkContent(content)
        try await write { db in
            try Self.requireAccount(db, accountID)
            let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM sieve_scripts WHERE account_id = ? AND name = ?",
                                           arguments: [accountID, name]) ?? false
            if exists {
                try db.execute(sql: "UPDATE sieve_scripts SET content = ? WHERE account_id = ? AND name = ?",
                               arguments: [content, accountID, name])
            } else {
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sieve_scripts WHERE account_id = ?",
                                             arguments: [accountID]) ?? 0
                // RFC 5804 §2.6: too many scripts is a QUOTA/MAXSCRIPTS refusal.
                guard count < SieveScriptLimits.maxScriptsPerAccount else { throw StoreError.overQuota(accountID: accountID) }
                try db.execute(sql: "INSERT INTO sieve_scripts (account_id, name, content, active) VALUES (?, ?, ?, 0)",
                               arguments: [accountID, name, content])
            }
            return WriteResult(value: ())
        }
    }

    public func sieveScript(accountID: AccountID, name: String) async throws -> String? {
        guard let name = try? SieveScriptName.check(name) else { return nil }
        return try await read { db in
            try String.fetchOne(db, sql: "SELECT content FROM sieve_scripts WHERE account_id = ? AND name = ?",
                                arguments: [accountID, name])
        }
    }

    public func sieveScripts(accountID: AccountID) async throws -> [SieveScriptEntry] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT name, active FROM sieve_scripts WHERE account_id = ? ORDER BY name",
                             arguments: [accountID]).map {
                SieveScriptEntry(name: $0["name"], isActive: $0["active"])
            }
        }
    }

    public func activateSieveScript(accountID: AccountID, name: String?) async throws {
        let name = try name.map { name throws(StoreError) in try SieveScriptName.check(name) }
        try await write { db in
            try Self.requireAccount(db, accountID)
            if let name {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM sieve_scripts WHERE account_id = ? AND name = ?",
                                        arguments: [accountID, name]) ?? false else {
                    throw StoreError.notFound("sieve script")
                }
            }
            // Deactivate first: the partial unique index allows one active row at any moment.
            try db.execute(sql: "UPDATE sieve_scripts SET active = 0 WHERE account_id = ? AND active = 1",
                           arguments: [accountID])
            if let name {
                try db.execute(sql: "UPDATE sieve_scripts SET active = 1 WHERE account_id = ? AND name = ?",
                               arguments: [accountID, name])
            }
            return WriteResult(value: ())
        }
    }

    public func deleteSieveScript(accountID: AccountID, name: String) async throws {
        let name = try SieveScriptName.check(name)
        try await write { db in
            guard let active = try Bool.fetchOne(db, sql: "SELECT active FROM sieve_scripts WHERE account_id = ? AND name = ?",
                                                 arguments: [accountID, name]) else {
                throw StoreError.notFound("sieve script")
            }
            // RFC 5804 §2.10: deleting the active script fails with the ACTIVE response code.
            if active { throw StoreError.inUse("sieve script is active") }
            try db.execute(sql: "DELETE FROM sieve_scripts WHERE account_id = ? AND name = ?", arguments: [accountID, name])
            return WriteResult(value: ())
        }
    }

    public func renameSieveScript(accountID: AccountID, from: String, to: String) async throws {
        let from = try SieveScriptName.check(from)
        let to = try SieveScriptName.check(to)
        try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM sieve_scripts WHERE account_id = ? AND name = ?",
                                    arguments: [accountID, from]) ?? false else {
                throw StoreError.notFound("sieve script")
            }
            // RFC 5804 §2.11: the new name must not exist (ALREADYEXISTS); renaming onto itself too.
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM sieve_scripts WHERE account_id = ? AND name = ?",
                                 arguments: [accountID, to]) ?? false {
                throw StoreError.alreadyExists("sieve script")
            }
            try db.execute(sql: "UPDATE sieve_scripts SET name = ? WHERE account_id = ? AND name = ?",
                           arguments: [to, accountID, from])
            return WriteResult(value: ())
        }
    }

    public func activeSieveScript(accountID: AccountID) async throws -> ActiveSieveScript? {
        try await read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT name, content FROM sieve_scripts WHERE account_id = ? AND active = 1"),
                             arguments: [accountID]).map {
                ActiveSieveScript(name: $0["name"], content: $0["content"])
            }
        }
    }
}
