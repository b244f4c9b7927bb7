// Computing the content address of a message body, so callers cannot get the key wrong.
import Crypto

extension MessageContent {
    /// Wraps `bytes` with its SHA-256: the store keys shared bodies by this digest, so a caller
    /// that has no digest yet should let the store's own code compute it.
    public init(bytes: [UInt8]) {
        self.init(bytes: bytes, sha256: MessageContent.sha256Hex(of: bytes), digestComputedHere: true)
    }

    /// Lower-case hex SHA-256 of `bytes`, the form `sha256` holds.
    public static func sha256Hex(of bytes: [UInt8]) -> String {
        let digest = SHA256.hash(data: bytes)
        let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
        var hex = [UInt8]()
        hex.reserveCapacity(64)
        for byte in digest {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// True when `sha256` really is the digest of `bytes`: a wrong key would make two different
    /// bodies share one blob, and one account could read another's mail.
    /// A digest this value computed itself is not computed again.
    var hasValidDigest: Bool {
        digestComputedHere || (sha256.utf8.count == 64 && MessageContent.sha256Hex(of: bytes) == sha256)
    }
}
