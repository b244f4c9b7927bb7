import Foundation

/// Turns bytes in a MIME charset (RFC 2046 §4.1.2) into text. The common mail charsets are decoded
/// here with tables (fast, identical on every platform); a few more go through Foundation.
public enum Charset {
    /// Decodes `bytes` in the named charset (case-insensitive, RFC 2231 `*language` suffix ignored).
    /// Returns nil for an unknown charset, so callers can keep the raw text (RFC 2047 §6.2 allows it).
    public static func decode<Bytes: Collection>(_ bytes: Bytes, charset name: String) -> String?
    where Bytes.Element == UInt8 {
        switch normalized(name) {
        case "utf-8", "utf8":
            return String(decoding: bytes, as: UTF8.self)
        case "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "646":
            // 8-bit bytes in "ASCII" text are almost always Latin-1 or UTF-8 mislabelled.
            return String(utf8OrLatin1: bytes)
        case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1", "iso-ir-100", "cp819":
            return String(latin1: bytes)
        case "iso-8859-15", "iso8859-15", "iso_8859-15", "latin-9", "latin9":
            return String(mapping: bytes, with: iso885915)
        case "windows-1252", "cp1252", "x-cp1252":
            return String(mapping: bytes, with: windows1252)
        case let other:
            guard let encoding = foundationEncodings[other] else { return nil }
            return String(data: Data(bytes), encoding: encoding)
        }
    }

    /// Whether `decode` knows this charset.
    public static func isSupported(_ name: String) -> Bool {
        decode([UInt8](), charset: name) != nil
    }

    static func normalized(_ name: String) -> String {
        var lowered = name.trimmingASCIIWhitespace().lowercased()
        if let star = lowered.firstIndex(of: "*") { lowered = String(lowered[..<star]) }  // RFC 2231 §5
        if lowered.hasPrefix("\"") && lowered.hasSuffix("\"") && lowered.count >= 2 {
            lowered = String(lowered.dropFirst().dropLast())
        }
        return lowered
    }

    private static let foundationEncodings: [String: String.Encoding] = [
        "iso-8859-2": .isoLatin2, "latin2": .isoLatin2,
        "windows-1250": .windowsCP1250, "cp1250": .windowsCP1250,
        "windows-1251": .windowsCP1251, "cp1251": .windowsCP1251,
        "windows-1253": .windowsCP1253, "cp1253": .windowsCP1253,
        "windows-1254": .windowsCP1254, "cp1254": .windowsCP1254,
        "utf-16": .utf16, "utf-16be": .utf16BigEndian, "utf-16le": .utf16LittleEndian,
        "shift_jis": .shiftJIS, "euc-jp": .japaneseEUC, "iso-2022-jp": .iso2022JP,
    ]

    /// ISO-8859-15 differs from Latin-1 at eight positions.
    private static let iso885915: [UInt8: UInt32] = [
        0xA4: 0x20AC, 0xA6: 0x0160, 0xA8: 0x0161, 0xB4: 0x017D,
        0xB8: 0x017E, 0xBC: 0x0152, 0xBD: 0x0153, 0xBE: 0x0178,
    ]

    /// Windows-1252 differs from Latin-1 in 0x80...0x9F (five of those are unassigned: kept as C1).
    private static let windows1252: [UInt8: UInt32] = [
        0x80: 0x20AC, 0x82: 0x201A, 0x83: 0x0192, 0x84: 0x201E, 0x85: 0x2026, 0x86: 0x2020,
        0x87: 0x2021, 0x88: 0x02C6, 0x89: 0x2030, 0x8A: 0x0160, 0x8B: 0x2039, 0x8C: 0x0152,
        0x8E: 0x017D, 0x91: 0x2018, 0x92: 0x2019, 0x93: 0x201C, 0x94: 0x201D, 0x95: 0x2022,
        0x96: 0x2013, 0x97: 0x2014, 0x98: 0x02DC, 0x99: 0x2122, 0x9A: 0x0161, 0x9B: 0x203A,
        0x9C: 0x0153, 0x9E: 0x017E, 0x9F: 0x0178,
    ]
}

extension String {
    /// A Latin-1 superset: bytes listed in `table` map to their scalar, every other byte to itself.
    fileprivate init<Bytes: Sequence>(mapping bytes: Bytes, with table: [UInt8: UInt32])
    where Bytes.Element == UInt8 {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            if byte >= 0x80, let mapped = table[byte], let scalar = Unicode.Scalar(mapped) {
                scalars.append(scalar)
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        self = String(scalars)
    }
}
