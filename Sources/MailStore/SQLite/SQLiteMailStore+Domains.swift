// Domains: the mail domains this server is the final destination for.
import Foundation
import GRDB

extension SQLiteMailStore {
    public func addDomain(_ name: String) async throws {
        let domain = try AddressKey.domainName(name)
        try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM domains WHERE name = ?", arguments: [domain]) ?? false {
                throw StoreError.alreadyExists("domain \(domain)")
            }
            try db.execute(sql: "INSERT INTO domains (name) VALUES (?)", arguments: [domain])
            return WriteResult(value: ())
        }
    }

    public func removeDomain(_ name: String) async throws {
        let domain = try AddressKey.domainName(name)
        try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM domains WHERE name = ?", arguments: [domain]) ?? false else {
                throw StoreError.notFound("domain \(domain)")
            }
            let used = try Int.fetchOne(db, sql: """
                SELECT (SELECT COUNT(*) FROM accounts WHERE domain = ?) + (SELECT COUNT(*) FROM aliases WHERE domain = ?)
                """, arguments: [domain, domain]) ?? 0
            if used > 0 { throw StoreError.inUse("domain \(domain) has accounts or aliases") }
            try db.execute(sql: "DELETE FROM domains WHERE name = ?", arguments: [domain])
            return WriteResult(value: ())
        }
    }

    public func domains() async throws -> [Domain] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT name, catch_all FROM domains ORDER BY name").map {
                Domain(name: $0["name"], catchAll: $0["catch_all"])
            }
        }
    }

    public func domain(named name: String) async throws -> Domain? {
        guard let domain = try? AddressKey.domainName(name) else { return nil }
        return try await read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT name, catch_all FROM domains WHERE name = ?"), arguments: [domain]).map {
                Domain(name: $0["name"], catchAll: $0["catch_all"])
            }
        }
    }

    public func setCatchAll(domain name: String, target: String?) async throws {
        let domain = try AddressKey.domainName(name)
        let checkedTarget = try target.map { try AddressKey($0).address }
        try await write { db in
            try db.execute(sql: "UPDATE domains SET catch_all = ? WHERE name = ?", arguments: [checkedTarget, domain])
            guard db.changesCount > 0 else { throw StoreError.notFound("domain \(domain)") }
            return WriteResult(value: ())
        }
    }
}
