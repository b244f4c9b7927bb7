// PBKDF2-HMAC-SHA-256 (RFC 8018 §5.2), the Hi() of RFC 5802 §2.2. swift-crypto's Crypto module has
// no PBKDF2 (only _CryptoExtras does, which Auth does not depend on), and one block is all SCRAM needs.
import Crypto

enum PBKDF2 {
    /// Hi(str, salt, i) of RFC 5802 §2.2: U1 = HMAC(str, salt + INT(1)), Ui = HMAC(str, Ui-1),
    /// result U1 XOR ... XOR Ui. One 32-octet block: SCRAM-SHA-256 needs no more.
    static func sha256(password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        let key = SymmetricKey(data: password)
        var block = Array(HMAC<SHA256>.authenticationCode(for: salt + [0, 0, 0, 1], using: key))
        var result = block
        if iterations > 1 {
            for _ in 2...iterations {
                block = Array(HMAC<SHA256>.authenticationCode(for: block, using: key))
                for index in result.indices { result[index] ^= block[index] }
            }
        }
        return result
    }

    /// HMAC-SHA-256 of `message` under `key` (RFC 2104).
    static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }
}
