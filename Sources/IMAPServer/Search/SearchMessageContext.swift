// What the search has learnt about one message so far. Each piece is read at most once, and
// only when a key needs it: most searches never touch the summary, fewer the header octets,
// and only BODY/TEXT read the text parts.

import Foundation
import MailMessage
import MailStore

/// Lazily loaded, folded views of one message. Lives for one message of one SEARCH, inside the
/// searching task only (not Sendable: it never leaves that task).
final class SearchMessageContext {
    /// A header field as HEADER and TEXT match it (shared with the store's full-text index).
    typealias Field = MessageSearchText.Field

    let candidate: IMAPSearchCandidate
    private let reader: any IMAPMessageReader
    private var cachedSummary: MessageSummary?
    private var cachedSearchText: SearchText?
    /// Where the search text lies in the row's metadata: `.unknown` until a key needs it.
    private var layout: LayoutState = .unknown
    private var cachedHeader: [Field]?
    private var cachedHeaderText: [UInt8]?
    private var cachedBodyTexts: [[UInt8]]?
    private var cachedPartHeaderTexts: [[UInt8]]?
    /// The whole stored message, for messages small enough that one read beats several.
    private var cachedBytes: [UInt8]?

    /// Messages up to this size are read whole, once, the first time any octets are needed: one
    /// trip to the store instead of one per header and text part.
    static let wholeReadLimit = 256 * 1024

    init(candidate: IMAPSearchCandidate, reader: any IMAPMessageReader) {
        self.candidate = candidate
        self.reader = reader
    }

    var message: StoredMessage { candidate.message }

    func summary() async throws -> MessageSummary {
        if let cachedSummary { return cachedSummary }
        let summary = try await reader.summary(of: message)
        cachedSummary = summary
        return summary
    }

    /// The decoded header text of the summary, without decoding the rest of it unless it is
    /// already at hand (most SEARCH keys on headers need nothing else).
    func searchText() async throws -> SearchText {
        if let cachedSummary { return cachedSummary.search }
        if let cachedSearchText { return cachedSearchText }
        let search = try await reader.searchText(of: message)
        cachedSearchText = search
        return search
    }

    private enum LayoutState {
        case unknown, unavailable
        case located(StoredSearchTextLayout)
    }

    /// Whether `pattern` occurs in the decoded header text of `field` (FROM, TO, CC, BCC,
    /// SUBJECT). Read in place from the stored summary when it can be: one field's octets, no
    /// String unless they are not ASCII (issue 8); the answer is the one `searchText()` gives.
    func field(_ field: SearchCondition.EnvelopeField, contains pattern: SearchPattern) async throws -> Bool {
        if cachedSummary == nil, cachedSearchText == nil, let layout = locatedLayout() {
            return layout.withBytes(of: field.storedField, in: message.metadata) { pattern.occurs(inUTF8: $0) }
        }
        return pattern.occurs(in: field.text(in: try await searchText()))
    }

    /// The parsed Date: header (SENT*), from the stored summary's layout when it can be.
    func sentDate() async throws -> MessageDate? {
        if cachedSummary == nil, cachedSearchText == nil, let layout = locatedLayout() { return layout.sentDate }
        return try await searchText().sentDate
    }

    private func locatedLayout() -> StoredSearchTextLayout? {
        switch layout {
        case .located(let found):
            return found
        case .unavailable:
            return nil
        case .unknown:
            guard let found = reader.searchTextLayout(of: message) else {
                layout = .unavailable
                return nil
            }
            layout = .located(found)
            return found
        }
    }

    /// The message header as the client reads it, prefix lines (Return-Path, Delivered-To) included:
    /// octets `0 ..< prefixLength + headerLength` of the stored message.
    func header() async throws -> [Field] {
        if let cachedHeader { return cachedHeader }
        let headerLength: Int
        if let cachedSummary { headerLength = cachedSummary.headerLength } else { headerLength = try await reader.headerLength(of: message) }
        let length = min(message.prefixLength + headerLength, IMAPSearchEngine.maximumHeaderOctets)
        let bytes = try await octets(0..<max(0, length))
        let fields = Self.fields(of: bytes)
        cachedHeader = fields
        return fields
    }

    /// The whole header as one folded text ("name: value" lines), for TEXT.
    func headerText() async throws -> [UInt8] {
        if let cachedHeaderText { return cachedHeaderText }
        let text = Self.joined(try await header())
        cachedHeaderText = text
        return text
    }

    /// Decoded, folded text of each text part (RFC 9051 §6.4.4: transfer encodings "MUST be decoded
    /// before comparing text"), HTML without markup. Parts inside attached messages count: they are
    /// part of this message's body.
    func bodyTexts() async throws -> [[UInt8]] {
        if let cachedBodyTexts { return cachedBodyTexts }
        let summary = try await summary()
        var texts: [[UInt8]] = []
        var budget = IMAPSearchEngine.maximumBodyOctets
        for part in Self.textParts(of: summary.bodyStructure) where budget > 0 {
            let range = shifted(part.bodyRange)
            let end = range.lowerBound + min(range.count, budget)
            let raw = try await octets(range.lowerBound..<end)
            budget -= raw.count
            texts.append(MessageSearchText.foldedText(of: part, raw: raw))
        }
        cachedBodyTexts = texts
        return texts
    }

    /// MIME headers of the parts and headers of attached messages: TEXT matches "the header
    /// (including MIME header fields)" (RFC 9051 §6.4.4).
    func partHeaderTexts() async throws -> [[UInt8]] {
        if let cachedPartHeaderTexts { return cachedPartHeaderTexts }
        let summary = try await summary()
        var texts: [[UInt8]] = []
        for range in Self.partHeaderRanges(of: summary.bodyStructure) {
            let shiftedRange = shifted(range)
            let end = shiftedRange.lowerBound + min(shiftedRange.count, IMAPSearchEngine.maximumHeaderOctets)
            let bytes = try await octets(shiftedRange.lowerBound..<end)
            texts.append(Self.joined(Self.fields(of: bytes)))
        }
        cachedPartHeaderTexts = texts
        return texts
    }

    /// Octets of the stored message, clamped to it, from the whole-message cache when it is small.
    private func octets(_ range: Range<Int>) async throws -> [UInt8] {
        guard message.size <= Self.wholeReadLimit else { return try await reader.bytes(of: message, range: range) }
        let all: [UInt8]
        if let cachedBytes {
            all = cachedBytes
        } else {
            all = try await reader.bytes(of: message, range: 0..<message.size)
            cachedBytes = all
        }
        let lower = min(max(range.lowerBound, 0), all.count)
        return Array(all[lower..<min(max(range.upperBound, lower), all.count)])
    }

    /// Summary ranges address the content; the client (and the reader) see `prefix + content`.
    private func shifted(_ range: Range<Int>) -> Range<Int> {
        let lower = max(0, range.lowerBound) + message.prefixLength
        return lower..<(lower + max(0, range.count))
    }

    private static func fields(of bytes: [UInt8]) -> [Field] {
        MessageSearchText.fields(of: bytes)
    }

    private static func joined(_ fields: [Field]) -> [UInt8] {
        MessageSearchText.joined(fields)
    }

    static func textParts(of root: BodyStructure) -> [BodyStructure] {
        MessageSearchText.textParts(of: root)
    }

    static func partHeaderRanges(of root: BodyStructure) -> [Range<Int>] {
        MessageSearchText.partHeaderRanges(of: root)
    }
}
