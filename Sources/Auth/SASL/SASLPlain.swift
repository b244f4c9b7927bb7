// RFC 4616: the PLAIN SASL mechanism's single client message.
import Foundation

/// The three fields of a PLAIN message. Never log `password`.
public struct SASLPlainCredentials: Sendable, Equatable {
    /// The identity to act as; nil when the client left it empty (derive it from the authcid).
    public var authorizationIdentity: String?
    public var authenticationIdentity: String
    public var password: String

    public init(authorizationIdentity: String?, authenticationIdentity: String, password: String) {
        self.authorizationIdentity = authorizationIdentity
        self.authenticationIdentity = authenticationIdentity
        self.password = password
    }
}

/// Why a PLAIN message was refused; protocols answer all of them with their "malformed" reply.
public enum SASLPlainError: Error, Sendable, Equatable, CustomStringConvertible {
    case notBase64
    case wrongFieldCount
    case emptyField
    case fieldTooLong
    case invalidUTF8

    public var description: String {
        switch self {
        case .notBase64: return "PLAIN response is not base64"
        case .wrongFieldCount: return "PLAIN response needs exactly two NUL separators"
        case .emptyField: return "PLAIN authcid and password must not be empty"
        case .fieldTooLong: return "PLAIN field longer than 255 octets"
        case .invalidUTF8: return "PLAIN field is not UTF-8"
        }
    }
}

/// Decodes the PLAIN client message; the protocol layer handles base64 framing and "*" aborts.
public enum SASLPlain {
    /// RFC 4616 §2: servers MUST accept 255 octets per field; Facteur accepts exactly that much.
    public static let maximumFieldLength = 255

    // RFC 4616 §2:
    // message   = [authzid] UTF8NUL authcid UTF8NUL passwd
    // authcid   = 1*SAFE ; MUST accept up to 255 octets
    // authzid   = 1*SAFE ; MUST accept up to 255 octets
    // passwd    = 1*SAFE ; MUST accept up to 255 octets
    public static func parseMessage(_ bytes: some Collection<UInt8>) throws(SASLPlainError) -> SASLPlainCredentials {
        // Two separators and three fields of at most 255 octets: anything longer is refused unread.
        guard bytes.count <= 3 * maximumFieldLength + 2 else { throw .fieldTooLong }
        let fields = Array(bytes).split(separator: 0, omittingEmptySubsequences: false)
        guard fields.count == 3 else { throw .wrongFieldCount }
        guard !fields[1].isEmpty, !fields[2].isEmpty else { throw .emptyField }
        let authzid = fields[0].isEmpty ? nil : try utf8(fields[0])
        return SASLPlainCredentials(authorizationIdentity: authzid,
                                    authenticationIdentity: try utf8(fields[1]),
                                    password: try utf8(fields[2]))
    }

    /// Decodes the base64 form that SMTP AUTH, IMAP AUTHENTICATE and POP3 AUTH carry.
    public static func parseBase64Message(_ text: some StringProtocol) throws(SASLPlainError) -> SASLPlainCredentials {
        // 4/3 of the longest message, rounded up to whole quanta.
        let maximumEncodedLength = (3 * maximumFieldLength + 2 + 2) / 3 * 4
        guard text.utf8.count <= maximumEncodedLength else { throw .fieldTooLong }
        guard let data = Data(base64Encoded: String(text)) else { throw .notBase64 }
        return try parseMessage(data)
    }

    /// SAFE = any UTF-8 encoded character except NUL (already split on); overlong forms and
    /// surrogates are rejected by the strict decoder.
    private static func utf8(_ field: ArraySlice<UInt8>) throws(SASLPlainError) -> String {
        guard field.count <= maximumFieldLength else { throw .fieldTooLong }
        guard let text = String(validating: field, as: UTF8.self) else { throw .invalidUTF8 }
        return text
    }
}
