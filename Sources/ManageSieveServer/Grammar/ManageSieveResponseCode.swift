// RFC 5804 §1.3 response codes, as sent inside the parentheses of OK/NO/BYE.

import NIOCore

/// The response codes Facteur sends.
public enum ManageSieveResponseCode: Sendable, Equatable {
    case authTooWeak
    /// Credentials refused because the connection is not encrypted (DESIGN.md rule 4).
    case encryptNeeded
    case quota
    case quotaMaxScripts
    case quotaMaxSize
    /// A temporary server failure (store error, login throttle).
    case tryLater
    case active
    case nonexistent
    case alreadyExists
    case warnings
    /// §2.13: NOOP's echoed tag.
    case tag([UInt8])
    /// §1.3: the final server SASL data.
    case sasl(String)

    // resp-code = "AUTH-TOO-WEAK" / "ENCRYPT-NEEDED" / "QUOTA" ["/" ("MAXSCRIPTS" / "MAXSIZE")] /
    //             resp-code-sasl / resp-code-referral / "TRANSITION-NEEDED" / "TRYLATER" /
    //             "ACTIVE" / "NONEXISTENT" / "ALREADYEXISTS" / "WARNINGS" / "TAG" SP string / resp-code-ext
    func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .authTooWeak: buffer.writeString("AUTH-TOO-WEAK")
        case .encryptNeeded: buffer.writeString("ENCRYPT-NEEDED")
        case .quota: buffer.writeString("QUOTA")
        case .quotaMaxScripts: buffer.writeString("QUOTA/MAXSCRIPTS")
        case .quotaMaxSize: buffer.writeString("QUOTA/MAXSIZE")
        case .tryLater: buffer.writeString("TRYLATER")
        case .active: buffer.writeString("ACTIVE")
        case .nonexistent: buffer.writeString("NONEXISTENT")
        case .alreadyExists: buffer.writeString("ALREADYEXISTS")
        case .warnings: buffer.writeString("WARNINGS")
        case .tag(let tag):
            buffer.writeString("TAG ")
            ManageSieveString.encode(tag, into: &buffer)
        case .sasl(let data):
            buffer.writeString("SASL ")
            ManageSieveString.encode(data, into: &buffer)
        }
    }
}
