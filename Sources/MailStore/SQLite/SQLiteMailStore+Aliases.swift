// Aliases and distribution lists: an address that expands to one or more targets.
import Foundation
import GRDB

extension SQLiteMailStore {
    /// A list bigger than this is almost certainly a mistake (and would make one row huge).
    static let maxAliasTargets = 10_000

    public func addAlias(address: String, targets: [String]) async throws {
        let key = try AddressKey(address)
        guard !targets.isEmpty, targets.count <= Self.maxAliasTargets else {
            throw StoreError.invalidName("alias needs 1 to \(Self.maxAliasTargets) targets")
        }
        let checkedTargets = try targets.map { try AddressKey($0).address }
        let json: String
        do {
            json = String(decoding: try JSONEncoder().encode(checkedTargets), as: UTF8.self)
        } catch {
            throw StoreError.backend("cannot encode alias targets")
        }
        try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM domains WHERE name = ?", arguments: [key.domain]) ?? false else {
                throw StoreError.notFound("domain \(key.domain)")
            }
            if try Bool.fetchOne(db, sql: """
                SELECT 1 FROM accounts WHERE address_key = ? UNION ALL SELECT 1 FROM aliases WHERE address_key = ?
                """, arguments: [key.key, key.key]) ?? false {
                throw StoreError.alreadyExists("address \(key.address)")
            }
            try db.execute(sql: "INSERT INTO aliases (address, address_key, domain, targets) VALUES (?, ?, ?, ?)",
                           arguments: [key.address, key.key, key.domain, json])
            return WriteResult(value: ())
        }
    }

    public func removeAlias(address: String) async throws {
        let key = try AddressKey(address)
        try await write { db in
            try db.execute(sql: "DELETE FROM aliases WHERE address_key = ?", arguments: [key.key])
            guard db.changesCount > 0 else { throw StoreError.notFound("alias \(key.address)") }
            return WriteResult(value: ())
        }
    }

    public func alias(address: String) async throws -> Alias? {
        guard let key = try? AddressKey(address) else { return nil }
        return try await read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(StoreRows.aliasColumns) FROM aliases WHERE address_key = ?"),
                             arguments: [key.key]).map(StoreRows.alias)
        }
    }

    public func aliases(domain: String?) async throws -> [Alias] {
        let domainName = try domain.map { try AddressKey.domainName($0) }
        return try await read { db in
            if let domainName {
                return try Row.fetchAll(db, sql: "SELECT \(StoreRows.aliasColumns) FROM aliases WHERE domain = ? ORDER BY address_key",
                                        arguments: [domainName]).map(StoreRows.alias)
            }
            return try Row.fetchAll(db, sql: "SELECT \(StoreRows.aliasColumns) FROM aliases ORDER BY domain, address_key")
                .map(StoreRows.alias)
        }
    }
}
