// Argon2 through libsodium, the fast path for logins: its runtime-dispatched SSSE3/AVX2/AVX-512
// code spends well under half the CPU of Debian's portable libargon2 build on the same hash.
import CSodium

/// libsodium's Argon2i/Argon2id PHC string functions, with an answer that tells "wrong password"
/// apart from "libsodium does not take this string", so the caller can fall back to libargon2.
enum SodiumArgon2 {
    /// The outcome of one verification.
    enum Verdict: Sendable, Equatable {
        case match
        case mismatch
        /// libsodium could not decode the string or refuses its parameters (v=16, hashes shorter
        /// than 16 bytes, Argon2d…): no answer, ask libargon2.
        case refused
    }

    /// `sodium_init` picks the CPU-specific code and must run once before any other call; a Swift
    /// static is initialised once, thread-safely. False when libsodium cannot start (it then
    /// refuses everything and libargon2 does all the work).
    static let isAvailable: Bool = sodium_init() >= 0

    /// libsodium's own salt and hash lengths for new strings (`crypto_pwhash_argon2id_str`).
    static let saltLength = Int(crypto_pwhash_argon2id_SALTBYTES)
    static let hashLength = 32

    /// Verifies `password` against an `$argon2id$` or `$argon2i$` PHC string; the hash is
    /// recomputed and compared in constant time by libsodium. Argon2d is always refused.
    static func verify(_ password: String, against hash: String, variant: Argon2Parameters.Variant) -> Verdict {
        guard isAvailable else { return .refused }
        let argon2i: Int32
        switch variant {
        case .argon2id: argon2i = 0
        case .argon2i: argon2i = 1
        case .argon2d: return .refused    // libsodium has no Argon2d
        }
        // The length is passed, so a NUL inside the password is hashed like any other byte.
        let length = UInt64(password.utf8.count)
        let status = password.withCString { facteur_sodium_argon2_str_verify(argon2i, hash, $0, length) }
        switch status {
        case 0: return .match
        case 1: return .mismatch
        default: return .refused
        }
    }

    /// True when `crypto_pwhash_argon2id_str` can make a hash of exactly `configuration`'s cost
    /// and shape: it always writes p=1, a 16-byte salt and a 32-byte hash, and has a floor of
    /// 8 KiB and one pass.
    static func canHash(_ configuration: PasswordHasher.Configuration) -> Bool {
        isAvailable
            && configuration.parallelism == 1
            && configuration.saltLength == saltLength
            && configuration.hashLength == hashLength
            && UInt64(configuration.iterations) >= UInt64(crypto_pwhash_argon2id_OPSLIMIT_MIN)
            && UInt64(configuration.memoryKiB) * 1024 >= UInt64(crypto_pwhash_argon2id_MEMLIMIT_MIN)
    }

    /// A standard `$argon2id$v=19$m=…,t=…,p=1$salt$hash` string with a fresh random salt, or nil
    /// when libsodium fails (memory) or writes anything but the configured parameters.
    static func hashArgon2id(_ password: String, configuration: PasswordHasher.Configuration) -> String? {
        guard canHash(configuration) else { return nil }
        var encoded = [CChar](repeating: 0, count: Int(crypto_pwhash_argon2id_STRBYTES))
        let length = UInt64(password.utf8.count)
        let memoryBytes = Int(configuration.memoryKiB) * 1024
        let status = password.withCString {
            crypto_pwhash_argon2id_str(&encoded, $0, length, UInt64(configuration.iterations), memoryBytes)
        }
        guard status == 0 else { return nil }
        let hash = String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // Belt and braces: a libsodium that one day wrote other lengths or costs must not
        // silently change what is stored.
        let expected = Argon2Parameters(variant: .argon2id, version: 0x13, memoryKiB: Int(configuration.memoryKiB),
                                        iterations: Int(configuration.iterations), parallelism: 1)
        let fields = hash.split(separator: "$")
        guard Argon2Parameters(phcString: hash) == expected, fields.count == 5,
              fields[3].count == base64Length(saltLength), fields[4].count == base64Length(hashLength) else {
            return nil
        }
        return hash
    }

    /// Unpadded base64 length of `bytes` bytes, as PHC strings write salt and hash.
    private static func base64Length(_ bytes: Int) -> Int { (bytes * 4 + 2) / 3 }
}
