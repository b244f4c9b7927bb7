// How FETCH and SEARCH read stored messages: one narrow interface, so both are tested without a
// database and the session adapts the real store to it.

import Foundation
import MailMessage
import MailStore

/// Reads the octets of a stored message as the client sees them (`prefix + content`).
public protocol IMAPMessageReader: Sendable {
    /// Octets `range` of `message`, clamped to its size (an empty array past the end).
    func bytes(of message: StoredMessage, range: Range<Int>) async throws -> [UInt8]

    /// What delivery computed for `message` (the extension's `decodedSummary(of:)` by default); a
    /// requirement so a reader that already decoded it (a FETCH batch) hands it back instead of
    /// decoding it a second time.
    func summary(of message: StoredMessage) async throws -> MessageSummary

    /// The envelope delivery computed for `message` (`decodedEnvelope(of:)` by default): FETCH
    /// ENVELOPE without decoding the rest of the summary.
    func envelope(of message: StoredMessage) async throws -> Envelope

    /// The decoded header text SEARCH FROM/TO/CC/BCC/SUBJECT/SENT* match (`decodedSearchText(of:)`
    /// by default): a SEARCH over a mailbox without decoding each MIME tree and envelope.
    func searchText(of message: StoredMessage) async throws -> SearchText

    /// Where the search text lies in `message.metadata` (`storedSearchTextLayout(of:)` by default),
    /// nil when it cannot be read in place: SEARCH FROM then tests one field's octets per message
    /// without building any String (issue 8). A reader whose `searchText(of:)` does not come from
    /// `message.metadata` returns nil, so SEARCH asks `searchText(of:)` instead.
    func searchTextLayout(of message: StoredMessage) -> StoredSearchTextLayout?

    /// Octets of the message header as delivery measured it, prefix not included
    /// (`decodedHeaderLength(of:)` by default): FETCH BODY[HEADER.FIELDS (...)] needs nothing else.
    func headerLength(of message: StoredMessage) async throws -> Int
}

extension IMAPMessageReader {
    /// What delivery computed for `message`; messages without usable metadata (imported rows, an
    /// older format) are parsed from their bytes instead, so a client always gets an answer.
    ///
    /// The summary describes the *content*: its ranges do not include the prefix
    /// (`message.prefixLength` octets of Return-Path/Delivered-To added at delivery).
    public func summary(of message: StoredMessage) async throws -> MessageSummary {
        try await decodedSummary(of: message)
    }

    public func envelope(of message: StoredMessage) async throws -> Envelope {
        try await decodedEnvelope(of: message)
    }

    public func searchText(of message: StoredMessage) async throws -> SearchText {
        try await decodedSearchText(of: message)
    }

    public func headerLength(of message: StoredMessage) async throws -> Int {
        try await decodedHeaderLength(of: message)
    }

    public func searchTextLayout(of message: StoredMessage) -> StoredSearchTextLayout? {
        storedSearchTextLayout(of: message)
    }

    /// The layout of the stored metadata; nil when it is missing, a JSON row or unreadable (then
    /// `searchText(of:)` falls back as it always did).
    public func storedSearchTextLayout(of message: StoredMessage) -> StoredSearchTextLayout? {
        guard !message.metadata.isEmpty else { return nil }
        return try? StoredSearchTextLayout.locate(in: message.metadata)
    }

    /// Only the search text of the stored metadata; anything unreadable falls back to
    /// `summary(of:)`, so the answer is the one a whole summary would give.
    public func decodedSearchText(of message: StoredMessage) async throws -> SearchText {
        try await partiallyDecoded(message, MessageSummary.decodeSearchText) { $0.search }
    }

    /// Only the header length of the stored metadata; anything unreadable falls back to `summary(of:)`.
    public func decodedHeaderLength(of message: StoredMessage) async throws -> Int {
        try await partiallyDecoded(message, MessageSummary.decodeHeaderLength) { $0.headerLength }
    }

    /// Only the envelope of the stored metadata; anything unreadable falls back to `summary(of:)`,
    /// so the answer is the one a whole summary would give.
    public func decodedEnvelope(of message: StoredMessage) async throws -> Envelope {
        try await partiallyDecoded(message, MessageSummary.decodeEnvelope) { $0.envelope }
    }

    /// One field read straight from the stored metadata by `decode`, or taken from the whole
    /// summary (`field`) when the metadata is missing or unreadable.
    private func partiallyDecoded<Field>(_ message: StoredMessage, _ decode: (Data) throws -> Field,
                                         orFromSummary field: (MessageSummary) -> Field) async throws -> Field {
        if !message.metadata.isEmpty, let value = try? decode(message.metadata) {
            return value
        }
        return field(try await summary(of: message))
    }

    /// The summary decoded from the stored metadata, or parsed from the bytes (see `summary(of:)`).
    public func decodedSummary(of message: StoredMessage) async throws -> MessageSummary {
        if !message.metadata.isEmpty, let summary = try? MessageSummary.decode(message.metadata) {
            return summary
        }
        let all = try await bytes(of: message, range: 0..<message.size)
        return MessageParser.parse(Array(all.dropFirst(message.prefixLength))).summary
    }
}
