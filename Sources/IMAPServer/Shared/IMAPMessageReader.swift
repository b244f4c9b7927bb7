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
