// One read answers everything recipient resolution asks about an address: delivery does this for
// every RCPT, so it is one query round trip rather than three (four with the Sieve script).
import GRDB

extension SQLiteMailStore {
    public func lookUp(address: String) async throws -> AddressLookup {
        guard let key = try? AddressKey(address) else {
            guard let at = address.lastIndex(of: "@"),
                  let domain = try? AddressKey.domainName(String(address[address.index(after: at)...])) else {
                return AddressLookup()
            }
            return AddressLookup(domain: try await self.domain(named: domain))
        }
        // A handful of rows: read on the caller's thread when an inline reader is free (RCPT of
        // every message, issue 8), no hand-off to a pool thread and back.
        return try await boundedRead { db, _ in
            let domain = try Row.fetchOne(db.cachedStatement(sql: "SELECT name, catch_all FROM domains WHERE name = ?"),
                                          arguments: [key.domain]).map { Domain(name: $0["name"], catchAll: $0["catch_all"]) }
            guard domain != nil else { return AddressLookup() }
            let account = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(StoreRows.accountColumns) FROM accounts WHERE address_key = ?"),
                arguments: [key.key]).map(StoreRows.account)
            let alias = account != nil ? nil : try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(StoreRows.aliasColumns) FROM aliases WHERE address_key = ?"),
                arguments: [key.key]).map(StoreRows.alias)
            // The active script comes with the account: delivery runs it next (issue 8).
            let script: AddressLookup.SieveScriptState? = try account.map { account in
                try Row.fetchOne(db.cachedStatement(sql: "SELECT name, content FROM sieve_scripts WHERE account_id = ? AND active = 1"),
                                 arguments: [account.id])
                    .map { .active(ActiveSieveScript(name: $0["name"], content: $0["content"])) } ?? .noActiveScript
            }
            return AddressLookup(domain: domain, account: account, alias: alias, sieveScript: script)
        }
    }
}
