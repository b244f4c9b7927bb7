import Foundation

// The header text SEARCH FROM/TO/CC/BCC/SUBJECT matches (RFC 9051 §6.4.4), folded once at
// delivery and stored beside the message (issue 8, imap-mix): a search over a mailbox then runs
// one byte scan per message instead of locating the field in the summary and folding it each time.

/// The stored form of a message's folded search fields: a format byte, then subject, from, to, cc
/// and bcc, each a LEB128 length and `SearchFolding.fold` of the decoded header text the summary
/// keeps (`SearchText`). Public because the store writes it and IMAP SEARCH reads it in place.
public struct FoldedSearchFields: Sendable, Equatable {
    /// The fields SEARCH matches as text, in their stored order.
    public enum Field: Int, Sendable, CaseIterable {
        case subject, from, to, cc, bcc
    }

    /// Bumped whenever the folding or the layout changes: rows of another format are not read
    /// (the search then tests the summary, as for a message stored before this column existed).
    public static let format: UInt8 = 1
    /// Larger encodings are not stored (the summary answers for that message): bounded rows, and
    /// a hostile header cannot make every SEARCH of its mailbox scan megabytes.
    public static let maximumEncodedSize = 64 * 1024

    /// Offsets of each field's folded octets from the stored value's first byte; stored
    /// properties, not an array, so locating a row allocates nothing (once per message per SEARCH).
    private let subject, from, to, cc, bcc: Range<Int>

    public func range(of field: Field) -> Range<Int> {
        switch field {
        case .subject: return subject
        case .from: return from
        case .to: return to
        case .cc: return cc
        case .bcc: return bcc
        }
    }

    /// The stored value for `search`; nil when it would exceed `maximumEncodedSize`.
    public static func encoded(_ search: SearchText) -> Data? {
        var output: [UInt8] = [format]
        for text in [search.subject, search.from, search.to, search.cc, search.bcc] {
            let folded = SearchFolding.fold(text)
            appendLength(folded.count, to: &output)
            output.append(contentsOf: folded)
            guard output.count <= maximumEncodedSize else { return nil }
        }
        return Data(output)
    }

    /// The stored value for a stored binary summary (`MessageSummary.encoded()`): what the search
    /// would otherwise read from it. Nil for a JSON, damaged or empty summary, which SEARCH then
    /// reads the usual way.
    public static func encoded(summary: Data) -> Data? {
        guard !summary.isEmpty, let layout = try? StoredSearchTextLayout.locate(in: summary) else { return nil }
        return encoded(layout.searchText(in: summary))
    }

    /// The layout of a stored value; nil when it is of another format or damaged (every length is
    /// checked against the value's size, and the fields must end exactly at its end).
    public static func locate(in bytes: UnsafeRawBufferPointer) -> FoldedSearchFields? {
        guard bytes.count >= 1 + Field.allCases.count, bytes[0] == format else { return nil }
        var position = 1
        guard let subject = nextField(in: bytes, at: &position), let from = nextField(in: bytes, at: &position),
              let to = nextField(in: bytes, at: &position), let cc = nextField(in: bytes, at: &position),
              let bcc = nextField(in: bytes, at: &position), position == bytes.count else { return nil }
        return FoldedSearchFields(subject: subject, from: from, to: to, cc: cc, bcc: bcc)
    }

    /// The field whose length starts at `position`, checked against the value's size.
    private static func nextField(in bytes: UnsafeRawBufferPointer, at position: inout Int) -> Range<Int>? {
        var length = 0
        var shift = 0
        while true {
            guard position < bytes.count, shift <= 28 else { return nil }
            let byte = bytes[position]
            position += 1
            length |= Int(byte & 0x7f) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
        }
        guard length <= bytes.count - position else { return nil }
        defer { position += length }
        return position..<(position + length)
    }

    /// The folded octets of `field` in `bytes`, the value this layout was located in (clamped to
    /// it, so another buffer cannot be read out of bounds).
    public func bytes(of field: Field, in bytes: UnsafeRawBufferPointer) -> UnsafeBufferPointer<UInt8> {
        let range = range(of: field)
        let lower = min(max(0, range.lowerBound), bytes.count)
        let upper = min(max(lower, range.upperBound), bytes.count)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[lower..<upper])
        return slice.bindMemory(to: UInt8.self)
    }

    private static func appendLength(_ value: Int, to output: inout [UInt8]) {
        var remaining = UInt(value)
        while remaining >= 0x80 {
            output.append(UInt8(remaining & 0x7f) | 0x80)
            remaining >>= 7
        }
        output.append(UInt8(remaining))
    }
}
