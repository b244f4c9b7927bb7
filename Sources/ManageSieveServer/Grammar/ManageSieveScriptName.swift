// RFC 5804 §1.6 script names, checked before the store is asked (which checks again).

import MailStore

/// Script-name rules, so a bad name gets a clear NO without a store round trip.
public enum ManageSieveScriptName {
    /// RFC 5804 §1.6: at least one character; 0000-001F, 007F, 0080-009F, 2028 and 2029 are
    /// prohibited; names longer than the limit are refused, never truncated.
    // todo(rfc): RFC 5804 §1.6 Net-Unicode also asks for NFC; names are compared as sent.
    public static func isValid(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= SieveScriptLimits.maxNameBytes else { return false }
        return !name.unicodeScalars.contains { scalar in
            scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028
                || scalar.value == 0x2029
        }
    }
}
