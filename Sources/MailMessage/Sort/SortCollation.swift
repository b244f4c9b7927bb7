// i;ascii-casemap (RFC 4790 §9.2): how SORT and THREAD compare strings.
// todo(rfc): RFC 5256 §7 asks for i;unicode-casemap (RFC 5051); ASCII case-mapping agrees with it
// on ASCII text only.

/// Case-maps ASCII letters and compares octets; non-ASCII octets compare as they are. Public so
/// tests and other modules can build keys the server would.
public enum SortCollation {
    /// The octet with a-z mapped to A-Z.
    @inline(__always)
    public static func fold(_ byte: UInt8) -> UInt8 {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) ? byte - 0x20 : byte
    }

    /// The sort key of `text`: its UTF-8 with ASCII letters upper-cased, compared octet by octet
    /// (the empty string sorts first, as RFC 5256 §3 wants).
    public static func key(_ text: String) -> [UInt8] {
        text.utf8.map(fold)
    }

    /// Lexicographic order of two keys.
    public static func less(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        lhs.lexicographicallyPrecedes(rhs)
    }
}
