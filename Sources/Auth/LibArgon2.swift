// Argon2 through the reference libargon2: every Argon2 string libsodium does not take (Argon2d,
// v=16, short hashes…) and new hashes of a shape libsodium cannot write (p>1, other lengths).
import CArgon2

/// The reference implementation's encoded-string functions, the fallback behind `SodiumArgon2`.
enum LibArgon2 {
    /// An Argon2id PHC string for `password` with `salt` and `configuration`'s cost and lengths.
    static func hashArgon2id(_ password: String, salt: [UInt8],
                             configuration: PasswordHasher.Configuration) throws -> String {
        let passwordBytes = Array(password.utf8)
        let encodedLength = argon2_encodedlen(configuration.iterations, configuration.memoryKiB,
                                              configuration.parallelism, UInt32(salt.count),
                                              UInt32(configuration.hashLength), Argon2_id)
        var encoded = [CChar](repeating: 0, count: encodedLength)
        let status = argon2id_hash_encoded(configuration.iterations, configuration.memoryKiB,
                                           configuration.parallelism, passwordBytes, passwordBytes.count,
                                           salt, salt.count, configuration.hashLength,
                                           &encoded, encoded.count)
        guard status == ARGON2_OK.rawValue else {
            throw PasswordHasher.HashingError.argon2(code: status, message: String(cString: argon2_error_message(status)))
        }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// True when `password` matches the PHC string `hash` of `variant`.
    static func verify(_ password: String, against hash: String, variant: Argon2Parameters.Variant) -> Bool {
        let type: argon2_type
        switch variant {
        case .argon2i: type = Argon2_i
        case .argon2d: type = Argon2_d
        case .argon2id: type = Argon2_id
        }
        let passwordBytes = Array(password.utf8)
        // argon2_verify recomputes the hash and compares in constant time itself.
        return argon2_verify(hash, passwordBytes, passwordBytes.count, type) == ARGON2_OK.rawValue
    }

    /// The version current hashes carry (0x13, written `v=19`).
    static let currentVersion = Int(ARGON2_VERSION_13.rawValue)
}
