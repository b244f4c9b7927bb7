// Checks a user name and password against the store, the one place every protocol's AUTH, LOGIN
// and USER/PASS ends up.
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

    public init(store: any MailStore, hasher: PasswordHasher) {
        self.store = store
        self.hasher = hasher
        // Same parameters as real hashes, so the decoy costs the same. Hashing can only fail when
        // memory cannot be had; then any well-formed Argon2id string of the default cost will do.
        self.dummyHash = (try? hasher.hash("facteur-timing-decoy"))
            ?? "$argon2id$v=19$m=19456,t=2,p=1$ZmFjdGV1ci1kZWNveS1zYWx0$XTgs6/sHXc7Qy+YPKqXB3SPJ65pySzopySK3z85dtRk"
    }

    /// The account whose address matches `address` (ignoring case) when `password` is its
    /// password; nil otherwise, for every kind of failure alike.
    ///
    /// On success with a hash that is not current Argon2id (a migrated crypt(3) hash, or older
    /// Argon2 parameters) the password is hashed again and stored; a failure to store it does not
    /// fail the login.
    public func authenticate(address: String, password: String) async -> Account? {
        guard let account = await lookUp(address) else {
            _ = await hasher.verify(password, against: dummyHash)
            return nil
        }
        guard await hasher.verify(password, against: account.passwordHash) else { return nil }
        guard hasher.needsRehash(account.passwordHash) else { return account }
        guard let upgraded = try? await hasher.hash(password) else { return account }
        do {
            try await store.setPasswordHash(address: account.address, hash: upgraded)
        } catch {
            return account
        }
        var updated = account
        updated.passwordHash = upgraded
        return updated
    }

    /// Tries the address as given, then with the domain lower-cased, then all lower-case: the
    /// store keeps the local part as created, and clients type it in any case.
    private func lookUp(_ address: String) async -> Account? {
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
