// Case-insensitive matching for SEARCH strings (RFC 9051 §6.4.4: "The matching SHOULD be case
// insensitive for characters within the ASCII range"; beyond ASCII we follow the spirit of
// i;unicode-casemap, RFC 5051 §2: case mapping, then compatibility decomposition).

import Foundation

/// Turns text into the byte form both the search string and the searched text are compared in.
enum SearchFolding {
    /// ASCII text (most headers, most search strings) is lower-cased byte by byte; other text is
    /// lower-cased and put in NFKD so "É", "é" and "e\u{301}" compare equal.
    static func fold(_ text: String) -> [UInt8] {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return text.utf8.map(lowercasedASCII)
        }
        return Array(text.lowercased().decomposedStringWithCompatibilityMapping.utf8)
    }

    @inline(__always)
    static func lowercasedASCII(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }
}

/// A folded search string with its Knuth–Morris–Pratt failure table, built once per SEARCH, so that
/// matching a hostile pattern against megabytes of body text stays linear in the text's length.
struct SearchPattern: Sendable, Equatable {
    let needle: [UInt8]
    private let failure: [Int]

    init(_ text: String) {
        needle = SearchFolding.fold(text)
        var failure = [Int](repeating: 0, count: needle.count)
        var matched = 0
        for index in needle.indices.dropFirst() {
            while matched > 0 && needle[index] != needle[matched] { matched = failure[matched - 1] }
            if needle[index] == needle[matched] { matched += 1 }
            failure[index] = matched
        }
        self.failure = failure
    }

    /// "Note that the empty string is a substring" (RFC 9051 §6.4.4).
    var isEmpty: Bool { needle.isEmpty }

    /// Whether the needle occurs in `haystack` (already folded).
    func occurs(in haystack: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        return needle.withUnsafeBufferPointer { pattern in
            failure.withUnsafeBufferPointer { failure in
                haystack.withUnsafeBufferPointer { text in
                    var matched = 0
                    for byte in text {
                        while matched > 0 && byte != pattern[matched] { matched = failure[matched - 1] }
                        if byte == pattern[matched] {
                            matched += 1
                            if matched == pattern.count { return true }
                        }
                    }
                    return false
                }
            }
        }
    }

    /// Folds `text` and looks for the needle in it.
    func occurs(in text: String) -> Bool {
        needle.isEmpty || occurs(in: SearchFolding.fold(text))
    }
}
