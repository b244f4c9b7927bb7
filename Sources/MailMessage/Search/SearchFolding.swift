// Case-insensitive matching for SEARCH strings (RFC 9051 §6.4.4: "The matching SHOULD be case
// insensitive for characters within the ASCII range"; beyond ASCII we follow the spirit of
// i;unicode-casemap, RFC 5051 §2: case mapping, then compatibility decomposition).

import Foundation
import Synchronization

/// Turns text into the byte form both the search string and the searched text are compared in.
///
/// Public because the store folds the text it puts in its full-text index the same way, so the
/// index and the matcher can never disagree about what a string looks like.
public enum SearchFolding {
    /// ASCII text (most headers, most search strings) is lower-cased byte by byte; other text is
    /// lower-cased and put in NFKD so "É", "é" and "e\u{301}" compare equal.
    ///
    /// Mostly-ASCII text (a French or German body) is folded scalar by scalar: ASCII by table, the
    /// rest through a shared cache of each scalar's folded form, because lower-casing and NFKD of
    /// the whole string cost more than the search itself. Both the search string and the text go
    /// through the same function, so they always compare alike (per-scalar mapping differs from
    /// whole-string mapping only in context rules such as final sigma, on both sides equally).
    public static func fold(_ text: String) -> [UInt8] {
        // A native string's bytes in one pass over contiguous memory: the generic UTF8View walk
        // was most of the cost of building a message's full-text document (issue 8).
        switch text.utf8.withContiguousStorageIfAvailable(foldedIfASCII) {
        case .some(.some(let ascii)):
            return ascii
        case .some(.none):
            break    // not ASCII: scalar by scalar below
        case .none:
            if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.utf8.map(lowercasedASCII) }
        }
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                result.append(lowercasedASCII(UInt8(scalar.value)))
            } else {
                result.append(contentsOf: folded(scalar))
            }
        }
        return result
    }

    /// The lower-cased bytes when every one is ASCII, else nil.
    private static func foldedIfASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var combined: UInt8 = 0
        for byte in bytes { combined |= byte }
        guard combined < 0x80 else { return nil }
        return [UInt8](unsafeUninitializedCapacity: bytes.count) { output, initialized in
            for index in bytes.indices { output[index] = lowercasedASCII(bytes[index]) }
            initialized = bytes.count
        }
    }

    /// Folded forms of the non-ASCII scalars met so far, shared by every search; bounded, since
    /// a hostile message could bring many distinct scalars.
    private static let cache = Mutex<[UInt32: [UInt8]]>([:])
    private static let cacheLimit = 8192

    private static func folded(_ scalar: Unicode.Scalar) -> [UInt8] {
        if let known = cache.withLock({ $0[scalar.value] }) { return known }
        let value = Array(String(scalar).lowercased().decomposedStringWithCompatibilityMapping.utf8)
        cache.withLock { table in
            if table.count < cacheLimit { table[scalar.value] = value }
        }
        return value
    }

    @inline(__always)
    public static func lowercasedASCII(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }
}
