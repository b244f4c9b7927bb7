// FETCH of a message list (`BODY.PEEK[HEADER.FIELDS (...)]` of the last 50 messages) asks for one
// header per message; read one by one, each costs a store trip. The session reads the headers of
// a whole batch at once and serves them from here.

import MailMessage
import MailStore

/// Serves ranges inside what was read ahead for a message; anything else goes to `base`.
struct PrefetchedMessageReader: IMAPMessageReader {
    let base: any IMAPMessageReader
    /// Per message row id: the range read ahead and its octets.
    let prefetched: [Int64: (range: Range<Int>, bytes: [UInt8])]
    /// Per message row id: the header length read while locating the header, so the response
    /// does not read it again.
    var headerLengths: [Int64: Int] = [:]

    func summary(of message: StoredMessage) async throws -> MessageSummary {
        try await base.summary(of: message)
    }

    func envelope(of message: StoredMessage) async throws -> Envelope {
        try await base.envelope(of: message)
    }

    func searchText(of message: StoredMessage) async throws -> SearchText {
        try await base.searchText(of: message)
    }

    func searchTextLayout(of message: StoredMessage) -> StoredSearchTextLayout? {
        base.searchTextLayout(of: message)
    }

    func headerLength(of message: StoredMessage) async throws -> Int {
        if let length = headerLengths[message.id] { return length }
        return try await base.headerLength(of: message)
    }

    func bytes(of message: StoredMessage, range: Range<Int>) async throws -> [UInt8] {
        if let ahead = prefetched[message.id], ahead.range.lowerBound <= range.lowerBound,
           range.upperBound <= ahead.range.upperBound, ahead.bytes.count == ahead.range.count {
            let start = range.lowerBound - ahead.range.lowerBound
            return Array(ahead.bytes[start..<(start + range.count)])
        }
        return try await base.bytes(of: message, range: range)
    }
}
