import Foundation

// Where the search text lies inside a stored summary (layout in MessageSummary+Binary.swift), found
// without building a String: SEARCH FROM over a mailbox tests one field's octets per message
// instead of decoding and folding six strings each time (issue 8, imap-mix).

/// The byte ranges of the search text fields of one stored binary summary, and its sent date.
///
/// Public because IMAP SEARCH matches a field's octets in place (`withBytes(of:in:_:)`); the
/// strings those octets make are exactly the ones `MessageSummary.decode` gives (invalid UTF-8,
/// only in damaged rows, is repaired the same way by `String(decoding:as:)`).
public struct StoredSearchTextLayout: Sendable, Equatable {
    /// A field SEARCH matches as text (RFC 9051 §6.4.4 SUBJECT, FROM, TO, CC, BCC).
    public enum Field: Sendable, Equatable, CaseIterable {
        case subject, from, to, cc, bcc, messageID, references
    }

    /// Offsets from the row's first byte.
    public let subject: Range<Int>
    public let from: Range<Int>
    public let to: Range<Int>
    public let cc: Range<Int>
    public let bcc: Range<Int>
    public let messageID: Range<Int>
    /// Empty for rows of format 2, which keep no References.
    public let references: Range<Int>
    public let sentDate: MessageDate?

    public func range(of field: Field) -> Range<Int> {
        switch field {
        case .subject: return subject
        case .from: return from
        case .to: return to
        case .cc: return cc
        case .bcc: return bcc
        case .messageID: return messageID
        case .references: return references
        }
    }

    /// The layout of a stored summary; nil for a JSON row (format 1), which callers decode whole.
    /// Every field before the search text is stepped over with the checks a whole decode makes,
    /// so this throws exactly when `MessageSummary.decode` throws.
    public static func locate(in data: Data) throws -> StoredSearchTextLayout? {
        guard let first = data.first else { throw SummaryDecodingError.truncated }
        if first == UInt8(ascii: "{") { return nil }
        return try data.withUnsafeBytes { raw in
            try raw.withMemoryRebound(to: UInt8.self) { try locate(in: $0) }
        }
    }

    static func locate(in bytes: UnsafeBufferPointer<UInt8>) throws(SummaryDecodingError) -> StoredSearchTextLayout {
        var reader = SummaryReader(bytes)
        let version = try reader.version()
        _ = try reader.int()            // headerLength
        _ = try reader.int()            // totalSize
        try reader.skipOptionalString() // preview
        try reader.skipEnvelope()
        try reader.skipBodyStructure(depth: 0)
        let subject = try reader.stringRange(), from = try reader.stringRange(), to = try reader.stringRange()
        let cc = try reader.stringRange(), bcc = try reader.stringRange(), messageID = try reader.stringRange()
        let sentDate = try reader.sentDate()
        let references = version >= 3 ? try reader.stringRange() : reader.position..<reader.position
        guard reader.isAtEnd else { throw .malformed("trailing bytes") }
        return StoredSearchTextLayout(subject: subject, from: from, to: to, cc: cc, bcc: bcc, messageID: messageID,
                                      references: references, sentDate: sentDate)
    }

    /// Calls `body` with the octets of `field` in `data`, the row this layout was located in
    /// (clamped to it, so a different row cannot read out of bounds).
    public func withBytes<Result>(of field: Field, in data: Data,
                                  _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        let range = range(of: field)
        return try data.withUnsafeBytes { raw in
            try raw.withMemoryRebound(to: UInt8.self) { bytes in
                let lower = min(max(0, range.lowerBound), bytes.count)
                let upper = min(max(lower, range.upperBound), bytes.count)
                return try body(UnsafeBufferPointer(rebasing: bytes[lower..<upper]))
            }
        }
    }

    /// The field as the whole decode makes it.
    public func string(of field: Field, in data: Data) -> String {
        withBytes(of: field, in: data) { String(decoding: $0, as: UTF8.self) }
    }

    /// The search text as `MessageSummary.decode` gives it.
    public func searchText(in data: Data) -> SearchText {
        var search = SearchText(subject: string(of: .subject, in: data), from: string(of: .from, in: data),
                                to: string(of: .to, in: data), cc: string(of: .cc, in: data),
                                bcc: string(of: .bcc, in: data), messageID: string(of: .messageID, in: data),
                                sentDate: sentDate)
        // Assigned, not passed to the initialiser, which would cut a long one: the whole decode
        // keeps what the row holds.
        search.references = string(of: .references, in: data)
        return search
    }
}

extension SummaryReader {
    /// Steps over a string, returning where its octets lie.
    mutating func stringRange() throws(SummaryDecodingError) -> Range<Int> {
        let length = try count()
        let start = position
        try skip(length)
        return start..<(start + length)
    }
}
