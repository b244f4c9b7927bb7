// The commands of RFC 5804 §2 with their arguments decoded.

/// One parsed client command. Script names are already valid UTF-8; script content is kept as
/// octets until the session checks it (so a size error is reported before an encoding error).
public enum ManageSieveCommand: Sendable, Equatable {
    /// RFC 5804 §2.1; `initialResponse` is the base64 text of the optional second argument.
    case authenticate(mechanism: String, initialResponse: [UInt8]?)
    case startTLS                                        // §2.2
    case logout                                          // §2.3
    case capability                                      // §2.4
    case haveSpace(name: String, size: UInt32)           // §2.5
    case putScript(name: String, content: [UInt8])       // §2.6
    case listScripts                                     // §2.7
    /// §2.8: an empty name deactivates.
    case setActive(name: String)
    case getScript(name: String)                         // §2.9
    case deleteScript(name: String)                      // §2.10
    case renameScript(from: String, to: String)          // §2.11
    case checkScript(content: [UInt8])                   // §2.12
    case noop(tag: [UInt8]?)                             // §2.13
    case unauthenticate                                  // §2.14.1

    /// The upper-case command name: the `command` metrics dimension and log field.
    public var keyword: String {
        switch self {
        case .authenticate: return "AUTHENTICATE"
        case .startTLS: return "STARTTLS"
        case .logout: return "LOGOUT"
        case .capability: return "CAPABILITY"
        case .haveSpace: return "HAVESPACE"
        case .putScript: return "PUTSCRIPT"
        case .listScripts: return "LISTSCRIPTS"
        case .setActive: return "SETACTIVE"
        case .getScript: return "GETSCRIPT"
        case .deleteScript: return "DELETESCRIPT"
        case .renameScript: return "RENAMESCRIPT"
        case .checkScript: return "CHECKSCRIPT"
        case .noop: return "NOOP"
        case .unauthenticate: return "UNAUTHENTICATE"
        }
    }
}
