// Checks a user name and password against the store, the one place every protocol's AUTH, LOGIN
// and USER/PASS ends up.
import Crypto
import Foundation
import MailStore

/// Verifies credentials against `MailStore` accounts and upgrades old hashes on the way.
///
/// Sendable and stateless past `init`, so one instance serves every session. Hash work runs on the
/// hasher's pool, never on the caller's thread.
public final class Authenticator: Sendable {
    /// Addresses longer than RFC 5321 §4.5.3.1.3's path limit are not looked up at all.
    static let maximumAddressBytes = 256

    private let store: any MailStore
    private let hasher: PasswordHasher
    /// Verified when no account matches, so a wrong address takes as long as a wrong password
    /// and the timing does not tell which accounts exist.
    private let dummyHash: String
    /// Keys the decoy SCRAM salt of unknown users, so it is stable per name but unpredictable.
    private let decoySecret: SymmetricKey

    public init(store: any MailStore, hasher: PasswordHasher) {
        self.store = store
        self.hasher = hasher
        // Same parameters as real hashes, so the decoy costs the same. Hashing can only fail when
        // memory cannot be had; then any well-formed Argon2id string of the default cost will do.
        self.decoySecret = SymmetricKey(size: .bits256)
        self.dummyHash = (try? hasher.hash("facteur-timing-decoy"))
            ?? "$argon2id$v=19$m=19456,t=2,p=1$ZmFjdGV1ci1kZWNveS1zYWx0$XTgs6/sHXc7Qy+YPKqXB3SPJ65pySzopySK3z85dtRk"
    }

    /// The account whose address matches `address` (ignoring case) when `password` is its
    /// password or one of its app passwords; nil otherwise, for every kind of failure alike.
    ///
    /// On success with a hash that is not current Argon2id (a migrated crypt(3) hash, or older
    /// Argon2 parameters) the password is hashed again and stored; a failure to store it does not
    /// fail the login. The account password also gives the account SCRAM-SHA-256 keys when it
    /// has none (accounts migrated with a bare hash).
    ///
    /// Name and password are prepared with SASLprep first (RFC 4013; RFC 4616 §2, RFC 5802 §2.2),
    /// as they were when the password was set; a prohibited one fails like a wrong password, at
    /// the same cost. A password stored before SASLprep in another form than its prepared one is
    /// tried as typed too, and rehashed in its prepared form when it matches.
    public func authenticate(address: String, password typed: String) async -> Account? {
        guard let address = SASLprep.prepare(address), let password = SASLprep.prepare(typed),
              let account = await lookUp(address) else {
            _ = await hasher.verify(typed, against: dummyHash)
            // A known account tries a non-ASCII password in both forms: so does the decoy.
            if let prepared = SASLprep.prepare(typed), prepared != typed { _ = await hasher.verify(prepared, against: dummyHash) }
            return nil
        }
        var matchedUnprepared = false
        if await !hasher.verify(password, against: account.passwordHash) {
            guard typed != password, await hasher.verify(typed, against: account.passwordHash) else {
                return await appPasswordMatches(account, password) ? account : nil
            }
            matchedUnprepared = true
        }
        var current = account
        let hasSCRAMKeys = ((try? await store.scramCredentials(accountID: account.id)) ?? nil) != nil
        var needsSCRAMKeys = matchedUnprepared || !hasSCRAMKeys
        if matchedUnprepared || hasher.needsRehash(account.passwordHash), let upgraded = try? await hasher.hash(password) {
            do {
                // Clears the SCRAM keys too (the store keeps no keys of an old hash).
                try await store.setPasswordHash(address: account.address, hash: upgraded)
                current.passwordHash = upgraded
                needsSCRAMKeys = true
            } catch {
                return account
            }
        }
        // Accounts migrated with a bare hash get SCRAM keys at their first login (RFC 5802 §3).
        if needsSCRAMKeys, let keys = try? await hasher.pool.run({ SCRAMCredentials.derive(password: password) }) {
            try? await store.setSCRAMCredentials(address: account.address, credentials: keys.encoded)
        }
        return current
    }

    /// True when `password` has an app password's shape and matches one of the account's. A
    /// failure to read them is a non-match.
    private func appPasswordMatches(_ account: Account, _ password: String) async -> Bool {
        guard let canonical = AppPasswordFormat.canonical(password),
              let appPasswords = try? await store.appPasswords(accountID: account.id) else { return false }
        for appPassword in appPasswords.prefix(AppPassword.maximumPerAccount)
        where await hasher.verify(canonical, against: appPassword.passwordHash) {
            return true
        }
        return false
    }

    /// The salt, iteration count and keys a SCRAM exchange for `address` works with: the
    /// account's keys and those of its app passwords made with the same salt. A decoy salt when
    /// there is nothing to match, so the answer looks the same for every name.
    /// The name is prepared with SASLprep (RFC 5802 §5.1 "n="); one it prohibits gets the decoy.
    func scramLookup(address: String) async -> SCRAMLookup {
        if let prepared = SASLprep.prepare(address), let account = await lookUp(prepared),
           let encoded = (try? await store.scramCredentials(accountID: account.id)) ?? nil,
           let keys = SCRAMCredentials(encoded: encoded) {
            let appKeys = ((try? await store.appPasswords(accountID: account.id)) ?? [])
                .prefix(AppPassword.maximumPerAccount)
                .compactMap { $0.scramCredentials.flatMap(SCRAMCredentials.init(encoded:)) }
                .filter { $0.salt == keys.salt && $0.iterations == keys.iterations }
            return SCRAMLookup(account: account, salt: keys.salt, iterations: keys.iterations, candidates: [keys] + appKeys)
        }
        let decoy = HMAC<SHA256>.authenticationCode(for: Array(address.lowercased().utf8), using: decoySecret)
        return SCRAMLookup(account: nil, salt: Array(Array(decoy).prefix(SCRAMCredentials.saltLength)),
                           iterations: SCRAMCredentials.defaultIterations, candidates: [])
    }

    /// Tries the address as given, then with the domain lower-cased, then all lower-case: the
    /// store keeps the local part as created, and clients type it in any case.
    func lookUp(_ address: String) async -> Account? {
        guard !address.isEmpty, address.utf8.count <= Self.maximumAddressBytes else { return nil }
        var candidates = [address]
        if let at = address.lastIndex(of: "@") {
            candidates.append(String(address[..<at]) + address[at...].lowercased())
        }
        candidates.append(address.lowercased())
        var tried: Set<String> = []
        for candidate in candidates where tried.insert(candidate).inserted {
            if let account = try? await store.account(address: candidate) {
                return account
            }
        }
        return nil
    }
}
