// SCRAM keys and app passwords: what Auth needs besides the password hash.
import Foundation
import GRDB

extension SQLiteMailStore {
    public func scramCredentials(accountID: AccountID) async throws -> String? {
        try await read { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT scram_sha256 FROM accounts WHERE id = ?"),
                                arguments: [accountID])
        }
    }

    public func setSCRAMCredentials(address: String, credentials: String?) async throws {
        let key = try AddressKey(address)
        if let credentials { try Self.checkPasswordHash(credentials) }
        try await write { db in
            try db.execute(sql: "UPDATE accounts SET scram_sha256 = ? WHERE address_key = ?", arguments: [credentials, key.key])
            guard db.changesCount > 0 else { throw StoreError.notFound("account \(key.address)") }
            return WriteResult(value: ())
        }
    }

    public func appPasswords(accountID: AccountID) async throws -> [AppPassword] {
        try await read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT name, password_hash, scram_sha256, created_at FROM app_passwords WHERE account_id = ? ORDER BY name
                """), arguments: [accountID]).map {
                AppPassword(name: $0["name"], passwordHash: $0["password_hash"], scramCredentials: $0["scram_sha256"],
                            createdAt: Date(timeIntervalSince1970: $0["created_at"]))
            }
        }
    }

    public func addAppPassword(address: String, _ appPassword: AppPassword) async throws {
        let key = try AddressKey(address)
        try AppPassword.checkName(appPassword.name)
        try Self.checkPasswordHash(appPassword.passwordHash)
        if let scram = appPassword.scramCredentials { try Self.checkPasswordHash(scram) }
        try await write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM accounts WHERE address_key = ?", arguments: [key.key]) else {
                throw StoreError.notFound("account \(key.address)")
            }
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM app_passwords WHERE account_id = ? AND name = ?",
                                 arguments: [id, appPassword.name]) ?? false {
                throw StoreError.alreadyExists("app password \(appPassword.name)")
            }
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM app_passwords WHERE account_id = ?", arguments: [id]) ?? 0
            // Every failed login may verify each of them: their number stays small.
            guard count < AppPassword.maximumPerAccount else { throw StoreError.overQuota(accountID: id) }
            try db.execute(sql: """
                INSERT INTO app_passwords (account_id, name, password_hash, scram_sha256, created_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [id, appPassword.name, appPassword.passwordHash, appPassword.scramCredentials,
                                 appPassword.createdAt.timeIntervalSince1970])
            return WriteResult(value: ())
        }
    }

    public func removeAppPassword(address: String, name: String) async throws {
        let key = try AddressKey(address)
        try await write { db in
            try db.execute(sql: """
                DELETE FROM app_passwords WHERE name = ? AND account_id = (SELECT id FROM accounts WHERE address_key = ?)
                """, arguments: [name, key.key])
            guard db.changesCount > 0 else { throw StoreError.notFound("app password \(name.prefix(AppPassword.maximumNameLength))") }
            return WriteResult(value: ())
        }
    }
}
