// The three data types of RFC 5804 §1.2: atoms, numbers and strings.

/// One argument of a command line, after quoting and literals are undone.
public enum ManageSieveToken: Sendable, Equatable {
    /// RFC 5804 §4 `atom`, as sent (keywords compare case-insensitively).
    case atom(String)
    /// RFC 5804 §4 `number`: 32-bit unsigned.
    case number(UInt32)
    /// RFC 5804 §4 `string` (quoted or literal), as raw octets; UTF-8 is checked where it matters.
    case string([UInt8])
}
