/// The capabilities a script can `require` (RFC 5228 §3.2). The raw value is the capability string
/// that ManageSieve advertises in SIEVE and that scripts name.
public enum SieveExtension: String, CaseIterable, Sendable, Hashable, Comparable {
    case fileinto                                   // RFC 5228 §4.1
    case envelope                                   // RFC 5228 §5.4
    case encodedCharacter = "encoded-character"     // RFC 5228 §2.4.2.4
    case comparatorOctet = "comparator-i;octet"     // RFC 4790 §9.3, always available
    case comparatorASCIICasemap = "comparator-i;ascii-casemap"  // RFC 4790 §9.2, always available
    case comparatorASCIINumeric = "comparator-i;ascii-numeric"  // RFC 4790 §9.1
    case imap4flags                                 // RFC 5232
    case variables                                  // RFC 5229
    case relational                                 // RFC 5231
    case subaddress                                 // RFC 5233
    case body                                       // RFC 5173
    case copy                                       // RFC 3894
    case reject                                     // RFC 5429
    case ereject                                    // RFC 5429
    case vacation                                   // RFC 5230
    case vacationSeconds = "vacation-seconds"       // RFC 6131
    case date                                       // RFC 5260
    case index                                      // RFC 5260 §6
    case include                                    // RFC 6609
    case duplicate                                  // RFC 7352
    case environment                                // RFC 5183
    case editheader                                 // RFC 5293
    case ihave                                      // RFC 5463
    case mailbox                                    // RFC 5490 §3
    /// Dovecot Pigeonhole's test language; only `SieveTestsuite` offers it, never delivery or ManageSieve.
    case vndDovecotTestsuite = "vnd.dovecot.testsuite"

    /// What a server offers: every extension but the testsuite one, so code that enables "all of
    /// them" never lets a user's script reach the test commands. A new case is added here too.
    public static let allCases: [SieveExtension] = [
        .fileinto, .envelope, .encodedCharacter, .comparatorOctet, .comparatorASCIICasemap,
        .comparatorASCIINumeric, .imap4flags, .variables, .relational, .subaddress, .body, .copy, .reject,
        .ereject, .vacation, .vacationSeconds, .date, .index, .include, .duplicate, .environment, .editheader,
        .ihave, .mailbox,
    ]

    /// Space-separated capability list in the form ManageSieve's SIEVE capability wants.
    public static func capabilityString(_ extensions: Set<SieveExtension>) -> String {
        extensions.sorted().map(\.rawValue).joined(separator: " ")
    }

    public static func < (lhs: SieveExtension, rhs: SieveExtension) -> Bool { lhs.rawValue < rhs.rawValue }
}
