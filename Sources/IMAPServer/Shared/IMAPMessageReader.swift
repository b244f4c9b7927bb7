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

    /// Only the search text of the stored metadata; anything unreadable falls back to
    /// `summary(of:)`, so the answer is the one a whole summary would give.
    public func decodedSearchText(of message: StoredMessage) async throws -> SearchText {
        if !message.metadata.isEmpty, let search = try? MessageSummary.decodeSearchText(message.metadata) {
            return search
        }
        return try await summary(of: message).search
    }

    /// Only the header length of the stored metadata; anything unreadable falls back to `summary(of:)`.
    public func decodedHeaderLength(of message: StoredMessage) async throws -> Int {
        if !message.metadata.isEmpty, let length = try? MessageSummary.decodeHeaderLength(message.metadata) {
            return length
        }
        return try await summary(of: message).headerLength
    }

    /// Only the envelope of the stored metadata; anything unreadable falls back to `summary(of:)`,
    /// so the answer is the one a whole summary would give.
    public func decodedEnvelope(of message: StoredMessage) async throws -> Envelope {
        if !message.metadata.isEmpty, let envelope = try? MessageSummary.decodeEnvelope(message.metadata) {
            return envelope
        }
        return try await summary(of: message).envelope
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
