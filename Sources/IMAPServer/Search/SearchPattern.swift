// A SEARCH string folded once and matched in linear time (RFC 9051 §6.4.4).

import MailMessage

/// A folded search string with its Knuth–Morris–Pratt failure table, built once per SEARCH, so that
/// matching a hostile pattern against megabytes of body text stays linear in the text's length.
struct SearchPattern: Sendable, Equatable {
    let needle: [UInt8]
    /// The string as the client sent it: the store's full-text index folds it its own way.
    let source: String
    private let failure: [Int]

    init(_ text: String) {
        source = text
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

    /// Patterns are equal when they match the same texts, however the client spelled them.
    static func == (lhs: SearchPattern, rhs: SearchPattern) -> Bool {
        lhs.needle == rhs.needle
    }

    /// "Note that the empty string is a substring" (RFC 9051 §6.4.4).
    var isEmpty: Bool { needle.isEmpty }

    /// Whether the needle occurs in `haystack` (already folded).
    func occurs(in haystack: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBufferPointer { scan($0) { $0 } } ?? false
    }

    /// Whether the needle occurs in octets already folded by `SearchFolding.fold` (the stored
    /// `FoldedSearchFields`): the same answer as `occurs(in:)` on the text they were folded from.
    func occurs(inFolded folded: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !needle.isEmpty else { return true }
        guard folded.count >= needle.count else { return false }
        return scan(folded) { $0 } ?? false
    }

    /// Folds `text` and looks for the needle in it.
    func occurs(in text: String) -> Bool {
        needle.isEmpty || occurs(in: SearchFolding.fold(text))
    }

    /// The same answer as `occurs(in: String(decoding: utf8, as: UTF8.self))`, without building the
    /// String while the octets are ASCII (issue 8: SEARCH FROM over a mailbox of summaries).
    /// Folding works scalar by scalar, so the folded text of an ASCII prefix is its lower-cased
    /// octets whatever follows: a match found there is a match in the whole folded text. At the
    /// first non-ASCII octet the text is folded as a String, exactly as before.
    func occurs(inUTF8 utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !needle.isEmpty else { return true }
        let found = scan(utf8) { raw in raw < 0x80 ? SearchFolding.lowercasedASCII(raw) : nil }
        if let found { return found }
        return occurs(in: SearchFolding.fold(String(decoding: utf8, as: UTF8.self)))
    }

    /// Knuth–Morris–Pratt over `text`, each octet folded by `fold` first; nil as soon as `fold`
    /// gives up on an octet (the caller then folds the text another way).
    @inline(__always)
    private func scan(_ text: UnsafeBufferPointer<UInt8>, _ fold: (UInt8) -> UInt8?) -> Bool? {
        needle.withUnsafeBufferPointer { pattern in
            failure.withUnsafeBufferPointer { failure in
                var matched = 0
                for raw in text {
                    guard let byte = fold(raw) else { return nil }
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
