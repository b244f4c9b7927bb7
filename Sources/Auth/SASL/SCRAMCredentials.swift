// The keys a SCRAM-SHA-256 server keeps instead of a password (RFC 5802 §3, RFC 7677): enough to
// check a client's proof and to prove itself, not enough to log in elsewhere.
import Crypto
import Foundation

/// Salt, iteration count, StoredKey and ServerKey of one password.
public struct SCRAMCredentials: Sendable, Equatable {
    /// RFC 7677 §4: at least 4096 iterations; the client does the work, so it stays at the floor
    /// that every client accepts.
    public static let defaultIterations = 4096
    /// Stored values outside this range are refused rather than offered to a client.
    static let iterationRange = 4096...10_000_000
    static let saltLength = 16
    private static let prefix = "SCRAM-SHA-256"

    public var salt: [UInt8]
    public var iterations: Int
    public var storedKey: [UInt8]
    public var serverKey: [UInt8]

    public init(salt: [UInt8], iterations: Int, storedKey: [UInt8], serverKey: [UInt8]) {
        self.salt = salt
        self.iterations = iterations
        self.storedKey = storedKey
        self.serverKey = serverKey
    }

    // RFC 5802 §3:
    // SaltedPassword  := Hi(Normalize(password), salt, i)
    // ClientKey       := HMAC(SaltedPassword, "Client Key")
    // StoredKey       := H(ClientKey)
    // ServerKey       := HMAC(SaltedPassword, "Server Key")
    /// Derives the keys of `password`. CPU-heavy (`iterations` HMACs): run it on the hashing pool.
    /// Normalize is SASLprep (RFC 4013, RFC 5802 §2.2), the identity for printable ASCII, so keys
    /// derived before it existed still match. A password SASLprep prohibits cannot be set (callers
    /// refuse it first); should one arrive here it is used as typed, and no client can match it.
    public static func derive(password: String, salt: [UInt8], iterations: Int = defaultIterations) -> SCRAMCredentials {
        let normalized = SASLprep.prepare(password) ?? password
        let salted = PBKDF2.sha256(password: Array(normalized.utf8), salt: salt, iterations: iterations)
        let clientKey = PBKDF2.hmacSHA256(key: salted, message: Array("Client Key".utf8))
        let serverKey = PBKDF2.hmacSHA256(key: salted, message: Array("Server Key".utf8))
        return SCRAMCredentials(salt: salt, iterations: iterations,
                                storedKey: Array(SHA256.hash(data: clientKey)), serverKey: serverKey)
    }

    /// `derive` with a fresh random salt.
    public static func derive(password: String) -> SCRAMCredentials {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<saltLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return derive(password: password, salt: salt)
    }

    /// The stored form: `SCRAM-SHA-256$<iterations>$<salt>$<StoredKey>$<ServerKey>` in base64.
    public var encoded: String {
        [Self.prefix, String(iterations), Data(salt).base64EncodedString(),
         Data(storedKey).base64EncodedString(), Data(serverKey).base64EncodedString()].joined(separator: "$")
    }

    /// nil for anything but a well-formed stored form with 32-octet keys and a sane iteration count.
    public init?(encoded: String) {
        guard encoded.utf8.count <= 256 else { return nil }
        let fields = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0] == Self.prefix,
              let iterations = Int(fields[1]), Self.iterationRange.contains(iterations),
              let salt = Data(base64Encoded: String(fields[2])), !salt.isEmpty, salt.count <= 64,
              let storedKey = Data(base64Encoded: String(fields[3])), storedKey.count == 32,
              let serverKey = Data(base64Encoded: String(fields[4])), serverKey.count == 32 else { return nil }
        self.init(salt: Array(salt), iterations: iterations, storedKey: Array(storedKey), serverKey: Array(serverKey))
    }
}
