// The client messages of SCRAM (RFC 5802 §7), parsed; only what a server without channel
// binding needs to keep.
import Foundation

/// `client-first-message`, split into the parts the exchange needs later.
struct SCRAMClientFirst: Equatable {
    /// The gs2-header exactly as sent: the client echoes it in `c=` of its final message.
    var gs2Header: String
    /// Decoded `a=`; nil when absent.
    var authorizationIdentity: String?
    /// Decoded `n=`.
    var username: String
    var clientNonce: String
    /// `client-first-message-bare`: part of AuthMessage.
    var bare: String
}

/// `client-final-message`.
struct SCRAMClientFinal: Equatable {
    /// Decoded `c=`.
    var channelBinding: [UInt8]
    var nonce: String
    var proof: [UInt8]
    /// `client-final-message-without-proof`: part of AuthMessage.
    var withoutProof: String
}

enum SCRAMParseError: Error, Equatable {
    case malformed(String)
    /// RFC 5802 §7 `server-error-value`s that the failure reports.
    case channelBindingNotSupported
    case extensionsNotSupported
}

enum SCRAMMessages {
    /// Longest client message accepted: usernames are addresses, nonces tens of octets.
    static let maximumMessageLength = 2_048

    // client-first-message = gs2-header client-first-message-bare
    // gs2-header      = gs2-cbind-flag "," [ authzid ] ","
    // gs2-cbind-flag  = ("p=" cb-name) / "n" / "y"
    // authzid         = "a=" saslname
    // client-first-message-bare = [reserved-mext ","] username "," nonce ["," extensions]
    //                                                                    (RFC 5802 §7)
    static func parseClientFirst(_ bytes: [UInt8]) throws(SCRAMParseError) -> SCRAMClientFirst {
        guard bytes.count <= maximumMessageLength, let text = String(validating: bytes, as: UTF8.self) else {
            throw .malformed("client-first-message is not UTF-8 or too long")
        }
        let fields = text.split(separator: ",", omittingEmptySubsequences: false)
        guard fields.count >= 4 else { throw .malformed("client-first-message has too few fields") }
        switch fields[0] {
        case "n", "y":
            // "y": the client could bind but thinks the server cannot; true, as no -PLUS is offered.
            break
        case let flag where flag.hasPrefix("p="):
            throw .channelBindingNotSupported
        default:
            throw .malformed("bad gs2-cbind-flag")
        }
        var authzid: String?
        if !fields[1].isEmpty {
            guard fields[1].hasPrefix("a=") else { throw .malformed("bad authzid") }
            authzid = try decodeSASLName(fields[1].dropFirst(2))
        }
        // RFC 5802 §5.1: "m" is reserved; a server MUST fail when it sees it.
        if fields[2].hasPrefix("m=") { throw .extensionsNotSupported }
        guard fields[2].hasPrefix("n=") else { throw .malformed("username expected") }
        let username = try decodeSASLName(fields[2].dropFirst(2))
        guard fields[3].hasPrefix("r=") else { throw .malformed("nonce expected") }
        let nonce = String(fields[3].dropFirst(2))
        guard isValidNonce(nonce) else { throw .malformed("bad nonce") }
        let headerEnd = fields[0].count + 1 + fields[1].count + 1
        return SCRAMClientFirst(gs2Header: String(text.prefix(headerEnd)), authorizationIdentity: authzid,
                                username: username, clientNonce: nonce, bare: String(text.dropFirst(headerEnd)))
    }

    // client-final-message-without-proof = channel-binding "," nonce ["," extensions]
    // client-final-message = client-final-message-without-proof "," proof
    // channel-binding = "c=" base64
    // proof           = "p=" base64                                      (RFC 5802 §7)
    static func parseClientFinal(_ bytes: [UInt8]) throws(SCRAMParseError) -> SCRAMClientFinal {
        guard bytes.count <= maximumMessageLength, let text = String(validating: bytes, as: UTF8.self) else {
            throw .malformed("client-final-message is not UTF-8 or too long")
        }
        let fields = text.split(separator: ",", omittingEmptySubsequences: false)
        guard fields.count >= 3, let last = fields.last, last.hasPrefix("p="),
              fields[0].hasPrefix("c="), fields[1].hasPrefix("r=") else {
            throw .malformed("client-final-message needs c=, r= and p=")
        }
        guard let binding = Data(base64Encoded: String(fields[0].dropFirst(2))),
              let proof = Data(base64Encoded: String(last.dropFirst(2))), proof.count == 32 else {
            throw .malformed("bad base64 in client-final-message")
        }
        let withoutProof = String(text.dropLast(last.count + 1))
        return SCRAMClientFinal(channelBinding: Array(binding), nonce: String(fields[1].dropFirst(2)),
                                proof: Array(proof), withoutProof: withoutProof)
    }

    // saslname        = 1*(value-safe-char / "=2C" / "=3D")              (RFC 5802 §7)
    static func decodeSASLName(_ text: Substring) throws(SCRAMParseError) -> String {
        guard !text.isEmpty else { throw .malformed("empty saslname") }
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "=" {
                let code = text[text.index(after: index)...].prefix(2)
                switch code {
                case "2C": result.append(",")
                case "3D": result.append("=")
                default: throw .malformed("bad escape in saslname")
                }
                index = text.index(index, offsetBy: 3)
            } else {
                result.append(character)
                index = text.index(after: index)
            }
        }
        return result
    }

    // printable       = %x21-2B / %x2D-7E    ;; Printable ASCII except ","  (RFC 5802 §7)
    static func isValidNonce(_ nonce: String) -> Bool {
        !nonce.isEmpty && nonce.utf8.allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: ",") }
    }
}
