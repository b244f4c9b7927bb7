// The client side of SCRAM-SHA-256 (RFC 5802 §3, RFC 7677) for the protocol servers' tests (IMAP,
// POP3, ManageSieve). Computed from swift-crypto's HMAC alone, never through the server's code in
// Auth, so a bug there cannot cancel itself out in the tests.

import Crypto
import Foundation

/// One client's view of a SCRAM-SHA-256 exchange without channel binding ("n,,").
public struct SCRAMTestClient: Sendable {
    public let user: String
    public let password: String
    public let clientNonce: String

    public init(user: String, password: String, clientNonce: String = "fyko+d2lbbFgONRv9qkxdawL") {
        self.user = user
        self.password = password
        self.clientNonce = clientNonce
    }

    // RFC 5802 §5.1: "," and "=" in a user name are sent as "=2C" and "=3D".
    public var clientFirstBare: String {
        let saslName = user.replacingOccurrences(of: "=", with: "=3D").replacingOccurrences(of: ",", with: "=2C")
        return "n=\(saslName),r=\(clientNonce)"
    }

    /// client-first-message: gs2-header "n,," then the bare message.
    public var clientFirst: String { "n,,\(clientFirstBare)" }

    /// The client-final-message for `serverFirst`, and the server-final-message to expect; nil
    /// when `serverFirst` is malformed or does not extend our nonce.
    public func respond(to serverFirst: String) -> (final: String, expectedServerFinal: String)? {
        var fields: [String: String] = [:]
        for field in serverFirst.split(separator: ",") where field.count >= 2 {
            fields[String(field.prefix(1))] = String(field.dropFirst(2))
        }
        guard let nonce = fields["r"], nonce.hasPrefix(clientNonce), let saltText = fields["s"],
              let salt = Data(base64Encoded: saltText), let iterations = fields["i"].flatMap(Int.init),
              (1...1_000_000).contains(iterations) else { return nil }
        // SaltedPassword := Hi(Normalize(password), salt, i); ASCII passwords need no SASLprep.
        let salted = Self.hi(password: Array(password.utf8), salt: Array(salt), iterations: iterations)
        let clientKey = Self.hmac(key: salted, Array("Client Key".utf8))
        let storedKey = Array(SHA256.hash(data: clientKey))
        let serverKey = Self.hmac(key: salted, Array("Server Key".utf8))
        let withoutProof = "c=biws,r=\(nonce)"
        let authMessage = Array("\(clientFirstBare),\(serverFirst),\(withoutProof)".utf8)
        let proof = zip(clientKey, Self.hmac(key: storedKey, authMessage)).map { $0 ^ $1 }
        let serverSignature = Self.hmac(key: serverKey, authMessage)
        return ("\(withoutProof),p=\(Data(proof).base64EncodedString())",
                "v=\(Data(serverSignature).base64EncodedString())")
    }

    static func hmac(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    // RFC 5802 §2.2: Hi(str, salt, i) is PBKDF2 with HMAC and one block: U1 := HMAC(str, salt + INT(1)),
    // Ui := HMAC(str, Ui-1), Hi := U1 XOR U2 XOR … XOR Ui.
    static func hi(password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        let key = SymmetricKey(data: password)
        var block = Array(HMAC<SHA256>.authenticationCode(for: salt + [0, 0, 0, 1], using: key))
        var result = block
        for _ in 1..<iterations {
            block = Array(HMAC<SHA256>.authenticationCode(for: block, using: key))
            for index in result.indices { result[index] ^= block[index] }
        }
        return result
    }
}

extension String {
    /// Base64 of the UTF-8 bytes, as SASL exchanges carry them.
    public var base64: String { Data(utf8).base64EncodedString() }
    /// The text inside base64, nil when it is not base64.
    public var fromBase64: String? { Data(base64Encoded: self).map { String(decoding: $0, as: UTF8.self) } }
}
