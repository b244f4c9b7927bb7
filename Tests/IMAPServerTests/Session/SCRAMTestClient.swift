// The client side of SCRAM-SHA-256 (RFC 5802 §3), computed here rather than by the server's code
// paths: only the primitives (PBKDF2 = Hi, HMAC) come from Auth.

import Foundation
@testable import Auth

struct SCRAMTestClient {
    let user: String
    let password: String
    let clientNonce = "fyko+d2lbbFgONRv9qkxdawL"

    var clientFirstBare: String { "n=\(user),r=\(clientNonce)" }
    var clientFirst: String { "n,,\(clientFirstBare)" }

    /// The client-final-message for `serverFirst`, and the server-final-message to expect.
    func respond(to serverFirst: String) -> (final: String, expectedServerFinal: String)? {
        var fields: [String: String] = [:]
        for field in serverFirst.split(separator: ",") where field.count >= 2 {
            fields[String(field.prefix(1))] = String(field.dropFirst(2))
        }
        guard let nonce = fields["r"], nonce.hasPrefix(clientNonce), let saltText = fields["s"],
              let salt = Data(base64Encoded: saltText), let iterations = fields["i"].flatMap(Int.init) else { return nil }
        let salted = PBKDF2.sha256(password: Array(password.utf8), salt: Array(salt), iterations: iterations)
        let clientKey = PBKDF2.hmacSHA256(key: salted, message: Array("Client Key".utf8))
        let serverKey = PBKDF2.hmacSHA256(key: salted, message: Array("Server Key".utf8))
        let storedKey = SCRAMCredentials.derive(password: password, salt: Array(salt), iterations: iterations).storedKey
        let withoutProof = "c=biws,r=\(nonce)"
        let authMessage = Array("\(clientFirstBare),\(serverFirst),\(withoutProof)".utf8)
        let proof = zip(clientKey, PBKDF2.hmacSHA256(key: storedKey, message: authMessage)).map { $0 ^ $1 }
        let serverSignature = PBKDF2.hmacSHA256(key: serverKey, message: authMessage)
        return ("\(withoutProof),p=\(Data(proof).base64EncodedString())", "v=\(Data(serverSignature).base64EncodedString())")
    }
}

extension String {
    var base64: String { Data(utf8).base64EncodedString() }
    var fromBase64: String? { Data(base64Encoded: self).map { String(decoding: $0, as: UTF8.self) } }
}
