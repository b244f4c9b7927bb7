// SASLprep (RFC 4013), the stringprep profile (RFC 3454) that PLAIN (RFC 4616 §2) and SCRAM
// (RFC 5802 §2.2, RFC 7677) apply to user names and passwords, so that the same password typed
// on two keyboards (a soft hyphen, a full-width digit, a no-break space) is the same password.
//
// Implementation notes:
// - ASCII without control characters is returned unchanged: every mapping, NFKC and the bidi
//   rule are the identity on it, so passwords hashed before SASLprep existed keep verifying.
// - NFKC is Foundation's, which follows the Unicode version Swift ships rather than RFC 3454's
//   Unicode 3.2; the two differ only on characters assigned since.
// - The large tables are derived, not listed: unassigned code points (A.1, refused for stored
//   strings only, RFC 4013 §2.5) are Swift's `.unassigned` general category; LCat (D.2, bidi "L")
//   is a letter or spacing mark outside D.1. Both err on the side of refusing.
import Foundation

/// Prepares user names and passwords before they are compared or hashed. A `nil` result is a
/// string RFC 4013 prohibits: callers fail authentication exactly as for a wrong password.
public enum SASLprep {
    /// RFC 3454 §7: queries (logging in) allow unassigned code points; stored strings (setting a
    /// password) must not contain any.
    public enum Purpose: Sendable {
        case query
        case storedString
    }

    /// The prepared form of `string`, or nil when it holds a prohibited character, fails the
    /// bidi rule, or prepares to the empty string.
    public static func prepare(_ string: String, for purpose: Purpose = .query) -> String? {
        // Printable ASCII: the identity (and the fast path for nearly every real password).
        if string.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            return string.isEmpty ? nil : string
        }
        // RFC 4013 §2.1 Mapping: B.1 to nothing, then C.1.2 non-ASCII space to SPACE.
        var mapped = String.UnicodeScalarView()
        for scalar in string.unicodeScalars where !SASLprepTables.contains(SASLprepTables.mappedToNothing, scalar.value) {
            mapped.append(SASLprepTables.contains(SASLprepTables.nonASCIISpace, scalar.value) ? " " : scalar)
        }
        // RFC 4013 §2.2 Normalization: Unicode normalization form KC.
        let normalized = String(mapped).precomposedStringWithCompatibilityMapping
        let scalars = Array(normalized.unicodeScalars)
        guard !scalars.isEmpty else { return nil }
        // RFC 4013 §2.3 Prohibited Output, and §2.5 unassigned code points for stored strings.
        for scalar in scalars {
            if isProhibited(scalar) { return nil }
            if purpose == .storedString, scalar.properties.generalCategory == .unassigned { return nil }
        }
        // RFC 4013 §2.4 Bidirectional Characters, by RFC 3454 §6.
        guard passesBidiRule(scalars) else { return nil }
        return normalized
    }

    /// RFC 4013 §2.3: C.1.2 and C.2.1 to C.9 (C.4 includes the last two code points of every plane).
    static func isProhibited(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value & 0xFFFE == 0xFFFE
            || SASLprepTables.contains(SASLprepTables.nonASCIISpace, value)
            || SASLprepTables.contains(SASLprepTables.prohibited, value)
    }

    // RFC 3454 §6:
    // 2) If a string contains any RandALCat character, the string MUST NOT contain any LCat
    //    character.
    // 3) If a string contains any RandALCat character, a RandALCat character MUST be the first
    //    character of the string, and a RandALCat character MUST be the last character.
    // (Rule 1, C.8 prohibited, is part of `isProhibited`.)
    static func passesBidiRule(_ scalars: [Unicode.Scalar]) -> Bool {
        guard scalars.contains(where: isRandAL) else { return true }
        guard let first = scalars.first, let last = scalars.last, isRandAL(first), isRandAL(last) else { return false }
        return !scalars.contains(where: isLCat)
    }

    static func isRandAL(_ scalar: Unicode.Scalar) -> Bool {
        SASLprepTables.contains(SASLprepTables.randAL, scalar.value)
    }

    /// RFC 3454 D.2 (bidi "L"), approximated by its bulk: letters and spacing marks not in D.1.
    static func isLCat(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .spacingMark:
            return !isRandAL(scalar)
        default:
            return false
        }
    }
}
