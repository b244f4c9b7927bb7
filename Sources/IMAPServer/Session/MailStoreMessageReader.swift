// The store as FETCH and SEARCH read it.

import MailStore

/// Adapts `MailStore` to `IMAPMessageReader`: only the octets asked for are read.
struct MailStoreMessageReader: IMAPMessageReader {
    let store: any MailStore

    func bytes(of message: StoredMessage, range: Range<Int>) async throws -> [UInt8] {
        try await store.messageBytes(message, range: range)
    }
}
