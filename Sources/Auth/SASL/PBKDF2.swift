// PBKDF2-HMAC-SHA-256 (RFC 8018 §5.2), the Hi() of RFC 5802 §2.2. swift-crypto's Crypto module has
// no PBKDF2 (only _CryptoExtras does, which Auth does not depend on), and one block is all SCRAM needs.
import Crypto

enum PBKDF2 {
    /// SHA-256's block size: HMAC pads its key to it (RFC 2104 §2).
    private static let blockSize = 64

    /// Hi(str, salt, i) of RFC 5802 §2.2: U1 = HMAC(str, salt + INT(1)), Ui = HMAC(str, Ui-1),
    /// result U1 XOR ... XOR Ui. One 32-octet block: SCRAM-SHA-256 needs no more.
    ///
    /// HMAC is computed from two SHA-256 states that have already absorbed the padded key
    /// (ipad, opad) and are copied for each round: half the hashing of a plain HMAC call, and no
    /// key set-up per round (thousands of rounds per derivation).
    static func sha256(password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        let (inner, outer) = paddedStates(key: password)
        var block = mac(inner, outer, salt + [0, 0, 0, 1])
        var result = block
        if iterations > 1 {
            for _ in 2...iterations {
                block = mac(inner, outer, block)
                for index in result.indices { result[index] ^= block[index] }
            }
        }
        return result
    }

    /// HMAC-SHA-256 of `message` under `key` (RFC 2104).
    static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let (inner, outer) = paddedStates(key: key)
        return mac(inner, outer, message)
    }

    // H(K XOR opad, H(K XOR ipad, text))                                  (RFC 2104 §2)
    private static func paddedStates(key: [UInt8]) -> (inner: SHA256, outer: SHA256) {
        var padded = key.count > blockSize ? Array(SHA256.hash(data: key)) : key
        padded += [UInt8](repeating: 0, count: blockSize - padded.count)
        var inner = SHA256()
        inner.update(data: padded.map { $0 ^ 0x36 })
        var outer = SHA256()
        outer.update(data: padded.map { $0 ^ 0x5C })
        return (inner, outer)
    }

    private static func mac(_ inner: SHA256, _ outer: SHA256, _ message: [UInt8]) -> [UInt8] {
        var inner = inner
        inner.update(data: message)
        var outer = outer
        outer.update(data: Array(inner.finalize()))
        return Array(outer.finalize())
    }
}
