// Message bytes in memory for the FETCH and SEARCH tests, with a log of every read so tests can
// check that metadata answers read nothing and large sections are read in chunks.

import IMAPServer
import MailStore
import Synchronization

final class InMemoryMessageReader: IMAPMessageReader {
    private let storage: [UInt32: [UInt8]]
    /// Served for any UID not in `storage` (tests with one message).
    let stored: [UInt8]
    private let log = Mutex<[(uid: UInt32, range: Range<Int>)]>([])

    /// Bytes by UID.
    init(_ storage: [UInt32: [UInt8]]) {
        self.storage = storage
        self.stored = []
    }

    /// The same bytes for every message.
    init(stored: [UInt8]) {
        self.storage = [:]
        self.stored = stored
    }

    func bytes(of message: StoredMessage, range: Range<Int>) async throws -> [UInt8] {
        log.withLock { $0.append((message.uid, range)) }
        let bytes = storage[message.uid] ?? stored
        let lower = min(max(0, range.lowerBound), bytes.count)
        let upper = min(max(lower, range.upperBound), bytes.count)
        return Array(bytes[lower..<upper])
    }

    var readUIDs: [UInt32] { log.withLock { $0.map(\.uid) } }
    var readRanges: [Range<Int>] { log.withLock { $0.map(\.range) } }
}
