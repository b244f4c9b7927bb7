// What `facteur domain|user|alias` do, as a library so tests drive it without a process. The CLI
// and the running server open the same database; the server reads these tables on every lookup,
// so a change is live without a restart.
import Auth
import Foundation
import MailStore

public enum AdministrationError: Error, CustomStringConvertible, Equatable {
    case invalidAddress(String)
    case invalidDomain(String)
    case unknownDomain(String)
    case missingPassword
    case unsupportedHash(String)
    case invalidTarget(String)
    /// SASLprep (RFC 4013 §2.3-§2.5) refuses the password, so no client could log in with it.
    case prohibitedPassword

    public var description: String {
        switch self {
        case .invalidAddress(let address): return "'\(address)' is not an address of the form local@domain"
        case .invalidDomain(let domain): return "'\(domain)' is not a valid domain name"
        case .unknownDomain(let domain): return "domain '\(domain)' is not a local domain (add it with: facteur domain add \(domain))"
        case .missingPassword: return "no password given (use --password-stdin or --password-hash)"
        case .unsupportedHash(let prefix): return "unsupported password hash scheme '\(prefix)' (Argon2 or crypt(3) $6$, $5$, $2y$, $2b$, $y$ expected)"
        case .invalidTarget(let target): return "alias target '\(target)' is not an address"
        case .prohibitedPassword: return "the password contains a character SASLprep (RFC 4013) prohibits (a control, private-use or unassigned character, or mixed right-to-left text)"
        }
    }
}

public struct Administration: Sendable {
    public let store: any MailStore
    public let hasher: PasswordHasher

    public init(store: any MailStore, hasher: PasswordHasher = PasswordHasher()) {
        self.store = store
        self.hasher = hasher
    }

    // MARK: Domains

    public func addDomain(_ name: String) async throws {
        let domain = try Self.validatedDomain(name)
        try await store.addDomain(domain)
    }

    public func removeDomain(_ name: String) async throws {
        try await store.removeDomain(name.lowercased())
    }

    public func domains() async throws -> [Domain] {
        try await store.domains()
    }

    // MARK: Users

    /// Adds an account from a clear-text password (hashed with Argon2id here) or an existing hash
    /// (migration from Dovecot or /etc/shadow: it is verified as is and rehashed at the next login).
    @discardableResult
    public func addUser(address: String, password: String?, passwordHash: String?, quotaBytes: Int64?) async throws -> Account {
        let address = try await localAddress(address)
        let hash = try await makeHash(password: password, passwordHash: passwordHash)
        let account = try await store.addAccount(address: address, passwordHash: hash, quotaBytes: quotaBytes)
        try await storeSCRAMKeys(address: account.address, password: passwordHash == nil ? password : nil, keepingSaltOf: nil)
        return account
    }

    public func removeUser(address: String) async throws {
        try await store.removeAccount(address: address)
    }

    public func users(domain: String?) async throws -> [Account] {
        try await store.accounts(domain: domain?.lowercased())
    }

    /// With a clear-text password the SCRAM-SHA-256 keys are derived too, keeping the account's
    /// salt so app passwords made with it keep working with SCRAM; with an imported hash they are
    /// dropped and derived at the next PLAIN or LOGIN login.
    public func setPassword(address: String, password: String?, passwordHash: String?) async throws {
        guard let account = try await store.account(address: address) else { throw StoreError.notFound(address) }
        let previous = (try await store.scramCredentials(accountID: account.id)).flatMap(SCRAMCredentials.init(encoded:))
        try await store.setPasswordHash(address: address, hash: try await makeHash(password: password, passwordHash: passwordHash))
        try await storeSCRAMKeys(address: account.address, password: passwordHash == nil ? password : nil, keepingSaltOf: previous)
    }

    private func storeSCRAMKeys(address: String, password: String?, keepingSaltOf previous: SCRAMCredentials?) async throws {
        guard let password, !password.isEmpty else { return }
        let keys = try await hasher.pool.run {
            if let previous { return SCRAMCredentials.derive(password: password, salt: previous.salt, iterations: previous.iterations) }
            return SCRAMCredentials.derive(password: password)
        }
        try await store.setSCRAMCredentials(address: address, credentials: keys.encoded)
    }

    // MARK: App passwords

    /// Makes an app password named `name` and returns it: the only time it is ever shown. Its
    /// SCRAM keys use the account's salt, so SCRAM works with it when the account has keys.
    public func addAppPassword(address: String, name: String) async throws -> String {
        try AppPassword.checkName(name)
        guard let account = try await store.account(address: address) else { throw StoreError.notFound(address) }
        let password = AppPasswordFormat.generate()
        let hash = try await hasher.hash(password)
        let accountKeys = (try await store.scramCredentials(accountID: account.id)).flatMap(SCRAMCredentials.init(encoded:))
        var scram: SCRAMCredentials?
        if let keys = accountKeys {
            scram = try await hasher.pool.run { SCRAMCredentials.derive(password: password, salt: keys.salt, iterations: keys.iterations) }
        }
        try await store.addAppPassword(address: account.address, AppPassword(
            name: name, passwordHash: hash, scramCredentials: scram?.encoded, createdAt: Date()))
        return password
    }

    public func appPasswords(address: String) async throws -> [AppPassword] {
        guard let account = try await store.account(address: address) else { throw StoreError.notFound(address) }
        return try await store.appPasswords(accountID: account.id)
    }

    public func revokeAppPassword(address: String, name: String) async throws {
        try await store.removeAppPassword(address: address, name: name)
    }

    public func setQuota(address: String, bytes: Int64?) async throws {
        try await store.setQuota(address: address, bytes: bytes)
    }

    /// The RFC 9208 MESSAGE quota: most messages the account may hold; nil: unlimited.
    public func setMessageQuota(address: String, messages: Int64?) async throws {
        try await store.setMessageQuota(address: address, messages: messages)
    }

    // MARK: Aliases

    /// `@domain` as the address sets the domain's catch-all (one target).
    public func addAlias(address: String, targets: [String]) async throws {
        for target in targets where !Self.looksLikeAddress(target) {
            throw AdministrationError.invalidTarget(target)
        }
        if address.hasPrefix("@") {
            let domain = try Self.validatedDomain(String(address.dropFirst()))
            guard targets.count == 1, let target = targets.first else { throw AdministrationError.invalidTarget(targets.joined(separator: " ")) }
            guard try await store.domain(named: domain) != nil else { throw AdministrationError.unknownDomain(domain) }
            try await store.setCatchAll(domain: domain, target: target)
            return
        }
        let address = try await localAddress(address)
        try await store.addAlias(address: address, targets: targets)
    }

    public func removeAlias(address: String) async throws {
        if address.hasPrefix("@") {
            try await store.setCatchAll(domain: String(address.dropFirst()).lowercased(), target: nil)
            return
        }
        try await store.removeAlias(address: address)
    }

    /// Aliases, with each domain's catch-all listed as `@domain`.
    public func aliases(domain: String?) async throws -> [Alias] {
        var result = try await store.aliases(domain: domain?.lowercased())
        for entry in try await store.domains() where domain == nil || entry.name == domain?.lowercased() {
            if let catchAll = entry.catchAll { result.append(Alias(address: "@" + entry.name, targets: [catchAll])) }
        }
        return result
    }

    // MARK: Validation

    private func localAddress(_ text: String) async throws -> String {
        guard Self.looksLikeAddress(text), let at = text.lastIndex(of: "@") else { throw AdministrationError.invalidAddress(text) }
        let local = text[..<at]
        let domain = try Self.validatedDomain(String(text[text.index(after: at)...]))
        guard try await store.domain(named: domain) != nil else { throw AdministrationError.unknownDomain(domain) }
        return "\(local)@\(domain)"
    }

    private func makeHash(password: String?, passwordHash: String?) async throws -> String {
        if let passwordHash {
            let known = ["$argon2id$", "$argon2i$", "$6$", "$5$", "$2y$", "$2b$", "$y$"]
            guard known.contains(where: passwordHash.hasPrefix) else {
                throw AdministrationError.unsupportedHash(String(passwordHash.prefix(12)))
            }
            return passwordHash
        }
        guard let password, !password.isEmpty else { throw AdministrationError.missingPassword }
        // Hashed in its SASLprep form, as every login prepares what the user types (RFC 4013 §2,
        // "stored strings": no unassigned code points). Printable ASCII is unchanged.
        guard let prepared = SASLprep.prepare(password, for: .storedString) else { throw AdministrationError.prohibitedPassword }
        return try await hasher.hash(prepared)
    }

    /// "1048576", "500M", "2G", "none" → .some(bytes or nil for unlimited); nil when unreadable.
    public static func parseQuota(_ text: String) -> Int64?? {
        let lower = text.lowercased()
        if lower == "none" || lower == "unlimited" { return .some(nil) }
        let multipliers: [Character: Int64] = ["k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40]
        var digits = Substring(lower)
        var multiplier: Int64 = 1
        if let last = lower.last, let factor = multipliers[last] {
            multiplier = factor
            digits = digits.dropLast()
        }
        guard let value = Int64(digits), value >= 0 else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : .some(product)
    }

    static func looksLikeAddress(_ text: String) -> Bool {
        guard let at = text.lastIndex(of: "@"), at != text.startIndex, text.index(after: at) != text.endIndex else { return false }
        return text.utf8.count <= 254 && !text.contains(where: { $0 == " " || $0 == "<" || $0 == ">" || $0.isNewline })
    }

    /// RFC 1035 §2.3.1 labels (letters, digits, hyphens; 63 octets each; 253 in all), lower-cased.
    static func validatedDomain(_ name: String) throws -> String {
        let domain = name.lowercased().hasSuffix(".") ? String(name.lowercased().dropLast()) : name.lowercased()
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        let valid = !domain.isEmpty && domain.utf8.count <= 253 && labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
        guard valid else { throw AdministrationError.invalidDomain(name) }
        return domain
    }
}
