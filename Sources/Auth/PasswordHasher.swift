// Hashes new passwords with Argon2id and verifies stored hashes: Argon2 through libsodium where it
// takes the string (fast), libargon2 otherwise, and the crypt(3) schemes of older servers through
// libcrypt, so accounts migrate on their next login (DESIGN.md rule 4).
import CCrypt

/// Hashes and verifies passwords. A value type: copy it freely across tasks.
///
/// Every call is CPU-heavy (tens of milliseconds by design). From async code use the `async`
/// overloads, which run on a `PasswordHashingPool` so event loops never block (DESIGN.md rule 5).
public struct PasswordHasher: Sendable {
    /// The Argon2id cost of new hashes, and the ceilings a stored hash must stay under to be tried.
    public struct Configuration: Sendable, Equatable {
        /// Memory per hash in KiB. 19456 KiB (19 MiB), t=2, p=1 is OWASP's Argon2id minimum.
        public var memoryKiB: UInt32 = 19_456
        public var iterations: UInt32 = 2
        public var parallelism: UInt32 = 1
        public var saltLength = 16
        public var hashLength = 32
        /// Longer passwords are refused outright: hashing megabytes on request is a denial of service.
        public var maximumPasswordBytes = 1_024
        /// Stored Argon2 hashes asking for more than this are refused rather than tried.
        public var maximumVerifyMemoryKiB = 1_048_576
        public var maximumVerifyIterations = 32
        public var maximumVerifyParallelism = 16
        /// Upper bounds for crypt(3) costs: SHA-crypt `rounds=` and the bcrypt log2 cost.
        public var maximumSHACryptRounds = 1_000_000
        public var maximumBcryptCost = 16

        public init() {}

        public init(memoryKiB: UInt32, iterations: UInt32, parallelism: UInt32) {
            self.memoryKiB = memoryKiB
            self.iterations = iterations
            self.parallelism = parallelism
        }
    }

    public enum HashingError: Error, Sendable, Equatable, CustomStringConvertible {
        case passwordTooLong
        case argon2(code: Int32, message: String)

        public var description: String {
            switch self {
            case .passwordTooLong: return "password too long"
            case .argon2(let code, let message): return "argon2 failed (\(code)): \(message)"
            }
        }
    }

    public var configuration: Configuration
    public var pool: PasswordHashingPool

    public init(configuration: Configuration = Configuration(), pool: PasswordHashingPool = .shared) {
        self.configuration = configuration
        self.pool = pool
    }

    // MARK: Hashing

    /// An Argon2id PHC string for `password` with a fresh random salt: made by libsodium when it
    /// can write the configured cost (p=1, 16-byte salt, 32-byte hash), else by libargon2. Both
    /// write the same standard string, which either library and the `argon2` CLI verify.
    public func hash(_ password: String) throws -> String {
        guard password.utf8.count <= configuration.maximumPasswordBytes else { throw HashingError.passwordTooLong }
        if let hash = SodiumArgon2.hashArgon2id(password, configuration: configuration) {
            return hash
        }
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<configuration.saltLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return try hash(password, salt: salt)
    }

    /// The hash with a chosen salt, always through libargon2 (libsodium draws its own salt): for
    /// tests that compare with the reference `argon2` CLI.
    func hash(_ password: String, salt: [UInt8]) throws -> String {
        guard password.utf8.count <= configuration.maximumPasswordBytes else { throw HashingError.passwordTooLong }
        return try LibArgon2.hashArgon2id(password, salt: salt, configuration: configuration)
    }

    /// True when `hash(_:)` goes through libsodium with this configuration.
    var hashesThroughSodium: Bool { SodiumArgon2.canHash(configuration) }

    /// `hash(_:)` run on the hashing pool.
    public func hash(_ password: String) async throws -> String {
        let hasher = self
        return try await pool.run { try hasher.hash(password) }
    }

    // MARK: Verification

    /// True when `password` matches `hash`. Unknown schemes, malformed or over-costly hashes, and
    /// over-long passwords are all simply false: the caller only needs yes or no.
    public func verify(_ password: String, against hash: String) -> Bool {
        guard password.utf8.count <= configuration.maximumPasswordBytes,
              let scheme = PasswordHashScheme(hash) else { return false }
        switch scheme {
        case .argon2(let parameters):
            return verifyArgon2(password, against: hash, parameters: parameters)
        case .crypt(let variant):
            return verifyCrypt(password, against: hash, variant: variant)
        }
    }

    /// `verify(_:against:)` run on the hashing pool. False as well when the pool is saturated.
    public func verify(_ password: String, against hash: String) async -> Bool {
        let hasher = self
        return (try? await pool.run { hasher.verify(password, against: hash) }) ?? false
    }

    /// True when `hash` is not Argon2id with exactly the configured parameters, so the password
    /// should be hashed again once it is known (on a successful login).
    public func needsRehash(_ hash: String) -> Bool {
        guard case .argon2(let parameters) = PasswordHashScheme(hash) else { return true }
        return parameters.variant != .argon2id
            || parameters.version != LibArgon2.currentVersion
            || parameters.memoryKiB != Int(configuration.memoryKiB)
            || parameters.iterations != Int(configuration.iterations)
            || parameters.parallelism != Int(configuration.parallelism)
    }

    private func verifyArgon2(_ password: String, against hash: String, parameters: Argon2Parameters) -> Bool {
        // A C string stops at NUL: both libraries would read a shorter string than was stored.
        guard parameters.memoryKiB <= configuration.maximumVerifyMemoryKiB,
              parameters.iterations <= configuration.maximumVerifyIterations,
              parameters.parallelism <= configuration.maximumVerifyParallelism,
              !hash.utf8.contains(0) else { return false }
        // libsodium only knows v=19 (it refuses v=16 strings); what else it does not take it says.
        if parameters.version == LibArgon2.currentVersion {
            switch SodiumArgon2.verify(password, against: hash, variant: parameters.variant) {
            case .match: return true
            case .mismatch: return false
            case .refused: break
            }
        }
        return LibArgon2.verify(password, against: hash, variant: parameters.variant)
    }

    private func verifyCrypt(_ password: String, against hash: String,
                             variant: PasswordHashScheme.CryptVariant) -> Bool {
        // A C string stops at NUL: "secret\0anything" must not pass as "secret".
        guard !password.utf8.contains(0), !hash.utf8.contains(0),
              cryptCostIsAcceptable(hash, variant: variant) else { return false }
        var output = [CChar](repeating: 0, count: 512)
        let status = facteur_crypt(password, hash, &output, output.count)
        guard status == 0 else { return false }
        let computed = output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return ConstantTime.equals(computed, Array(hash.utf8))
    }

    /// Refuses SHA-crypt `rounds=` and bcrypt costs above the configured ceilings before running them.
    private func cryptCostIsAcceptable(_ hash: String, variant: PasswordHashScheme.CryptVariant) -> Bool {
        let fields = hash.split(separator: "$", omittingEmptySubsequences: false)
        switch variant {
        case .sha256, .sha512:
            guard fields.count > 2, fields[2].hasPrefix("rounds=") else { return true }
            let digits = fields[2].dropFirst("rounds=".count)
            guard digits.count <= 10, let rounds = Int(digits) else { return false }
            return rounds <= configuration.maximumSHACryptRounds
        case .bcryptB, .bcryptY:
            guard fields.count > 2, fields[2].count == 2, let cost = Int(fields[2]) else { return false }
            return cost <= configuration.maximumBcryptCost
        case .yescrypt, .md5:
            // todo: bound yescrypt's N and r, which it encodes in its own compact alphabet.
            return true
        }
    }
}
