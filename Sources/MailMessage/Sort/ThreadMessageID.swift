// Message IDs as THREAD=REFERENCES compares them (RFC 5256 §3: "MUST normalize any msg-id").

/// Extracts and normalizes `<id-left@id-right>` tokens from References, In-Reply-To and
/// Message-ID values. Public so tests can state what counts as the same id.
public enum ThreadMessageID {
    /// Ids longer than this are not ids but abuse; they are skipped.
    public static let maximumIDOctets = 998
    /// References with more ids keep the last ones (the nearest ancestors).
    public static let maximumReferences = 256

    /// Every valid id in `value`, in order, normalized: the text between "<" and ">" without
    /// quoting (`"`, `\`) and whitespace, so `<"01KF"@x.com>` and `<01KF@x.com>` are one id
    /// (RFC 5256 §3). Invalid tokens (no "@" inside, unterminated, too long) are skipped.
    public static func all(in value: String) -> [String] {
        var ids: [String] = []
        var current: [UInt8]?
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "<"):
                current = []
            case UInt8(ascii: ">"):
                if let id = current, let normalized = normalized(id) { ids.append(normalized) }
                current = nil
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: " "), UInt8(ascii: "\t"), 0x0D, 0x0A:
                continue
            default:
                if let count = current?.count, count >= maximumIDOctets { current = nil } else { current?.append(byte) }
            }
        }
        return ids.count > maximumReferences ? Array(ids.suffix(maximumReferences)) : ids
    }

    /// The first valid id of `value` (RFC 5256 §3 uses only the first of In-Reply-To).
    public static func first(in value: String) -> String? {
        all(in: value).first
    }

    private static func normalized(_ bytes: [UInt8]) -> String? {
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")), at > 0, at < bytes.count - 1 else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
