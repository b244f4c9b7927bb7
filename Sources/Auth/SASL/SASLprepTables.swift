// The RFC 3454 (stringprep) tables SASLprep (RFC 4013) uses, as the closed ranges the RFC lists.
// Only the small tables are here; the large ones (A.1 unassigned, D.2 LCat) are derived from the
// Unicode properties Swift ships (see `SASLprep`).

enum SASLprepTables {
    typealias Ranges = [ClosedRange<UInt32>]

    /// RFC 3454 B.1, commonly mapped to nothing (RFC 4013 §2.1).
    static let mappedToNothing: Ranges = [
        0x00AD...0x00AD, 0x034F...0x034F, 0x1806...0x1806, 0x180B...0x180D, 0x200B...0x200D,
        0x2060...0x2060, 0xFE00...0xFE0F, 0xFEFF...0xFEFF,
    ]

    /// RFC 3454 C.1.2, non-ASCII space characters: mapped to SPACE (RFC 4013 §2.1) and, should one
    /// survive normalisation, prohibited (§2.3).
    static let nonASCIISpace: Ranges = [
        0x00A0...0x00A0, 0x1680...0x1680, 0x2000...0x200B, 0x202F...0x202F, 0x205F...0x205F,
        0x3000...0x3000,
    ]

    /// RFC 4013 §2.3: every prohibited table but C.1.2 (checked apart, above).
    static let prohibited: Ranges = [
        // C.2.1 ASCII control characters
        0x0000...0x001F, 0x007F...0x007F,
        // C.2.2 non-ASCII control characters
        0x0080...0x009F, 0x06DD...0x06DD, 0x070F...0x070F, 0x180E...0x180E, 0x200C...0x200D,
        0x2028...0x2029, 0x2060...0x2063, 0x206A...0x206F, 0xFEFF...0xFEFF, 0xFFF9...0xFFFC,
        0x1D173...0x1D17A,
        // C.3 private use
        0xE000...0xF8FF, 0xF0000...0xFFFFD, 0x100000...0x10FFFD,
        // C.4 non-character code points (the U+xFFFE/U+xFFFF of every plane are checked apart)
        0xFDD0...0xFDEF,
        // C.5 surrogate codes (a Swift String cannot hold them; listed for completeness)
        0xD800...0xDFFF,
        // C.6 inappropriate for plain text
        0xFFF9...0xFFFD,
        // C.7 inappropriate for canonical representation
        0x2FF0...0x2FFB,
        // C.8 change display properties or are deprecated
        0x0340...0x0341, 0x200E...0x200F, 0x202A...0x202E, 0x206A...0x206F,
        // C.9 tagging characters
        0xE0001...0xE0001, 0xE0020...0xE007F,
    ]

    /// RFC 3454 D.1, characters with bidirectional property "R" or "AL" (RandALCat).
    static let randAL: Ranges = [
        0x05BE...0x05BE, 0x05C0...0x05C0, 0x05C3...0x05C3, 0x05D0...0x05EA, 0x05F0...0x05F4,
        0x061B...0x061B, 0x061F...0x061F, 0x0621...0x063A, 0x0640...0x064A, 0x066D...0x066F,
        0x0671...0x06D5, 0x06DD...0x06DD, 0x06E5...0x06E6, 0x06FA...0x06FE, 0x0700...0x070D,
        0x0710...0x0710, 0x0712...0x072C, 0x0780...0x07A5, 0x07B1...0x07B1, 0x200F...0x200F,
        0xFB1D...0xFB1D, 0xFB1F...0xFB28, 0xFB2A...0xFB36, 0xFB38...0xFB3C, 0xFB3E...0xFB3E,
        0xFB40...0xFB41, 0xFB43...0xFB44, 0xFB46...0xFBB1, 0xFBD3...0xFD3D, 0xFD50...0xFD8F,
        0xFD92...0xFDC7, 0xFDF0...0xFDFC, 0xFE70...0xFE74, 0xFE76...0xFEFC,
    ]

    /// A linear scan: a few dozen comparisons per scalar, and prepared strings are short (the SASL
    /// layers bound them to about a kilobyte).
    static func contains(_ ranges: Ranges, _ value: UInt32) -> Bool {
        ranges.contains { $0.contains(value) }
    }
}
