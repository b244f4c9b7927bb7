// A per-device password of an account (`facteur user app-password`): revocable one by one, so a
// lost phone costs one password, not the account's.
import Foundation

/// One app password as stored: only its hashes, never the password itself.
public struct AppPassword: Sendable, Equatable, Codable {
    /// Longest name accepted; names are labels typed by an administrator ("phone", "laptop").
    public static let maximumNameLength = 64
    /// Most app passwords per account: each failed login may verify all of them.
    public static let maximumPerAccount = 16

    /// Unique per account, case-sensitive as given.
    public var name: String
    /// Argon2id PHC string, like an account's password hash.
    public var passwordHash: String
    /// SCRAM-SHA-256 keys derived with the account's salt and iteration count (see
    /// `SCRAMCredentials` in Auth), so one SCRAM exchange can check every app password; nil when
    /// the account had no SCRAM keys when the app password was made.
    public var scramCredentials: String?
    public var createdAt: Date

    public init(name: String, passwordHash: String, scramCredentials: String?, createdAt: Date) {
        self.name = name
        self.passwordHash = passwordHash
        self.scramCredentials = scramCredentials
        self.createdAt = createdAt
    }

    /// Throws unless `name` is 1...64 printable characters without spaces.
    public static func checkName(_ name: String) throws(StoreError) {
        guard !name.isEmpty, name.count <= maximumNameLength,
              !name.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
            throw .invalidName("app password name (1-\(maximumNameLength) printable characters, no spaces)")
        }
    }
}
