// Validation of Sieve script names (RFC 5804 §1.6). Names are data, never file paths.
import Foundation

/// The bounds the store puts on a user's Sieve scripts: what ManageSieve will advertise
/// (MAXSCRIPTS, MAXSCRIPTSIZE) and what keeps one account from filling the database.
public enum SieveScriptLimits {
    /// RFC 5804 §1.6: at least 128 characters must be allowed, which is up to 512 octets.
    public static let maxNameBytes = 512
    /// Same bound as the Sieve compiler's default maximum script size.
    public static let maxScriptBytes = 1 << 20
    public static let maxScriptsPerAccount = 100
}

enum SieveScriptName {
    /// Throws `.invalidName` for an empty, over-long or control-character name (RFC 5804 §1.6:
    /// never truncate, refuse).
    static func check(_ name: String) throws(StoreError) -> String {
        guard !name.isEmpty, name.utf8.count <= SieveScriptLimits.maxNameBytes else {
            throw .invalidName("sieve script name length")
        }
        // RFC 5804 §1.6: 0000-001F, 007F, 0080-009F, 2028 and 2029 are prohibited.
        let forbidden = name.unicodeScalars.contains { scalar in
            scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028
                || scalar.value == 0x2029
        }
        guard !forbidden else { throw .invalidName("sieve script name contains a prohibited character") }
        return name
    }

    static func checkContent(_ content: String) throws(StoreError) {
        guard content.utf8.count <= SieveScriptLimits.maxScriptBytes else { throw .messageTooLarge }
    }
}
