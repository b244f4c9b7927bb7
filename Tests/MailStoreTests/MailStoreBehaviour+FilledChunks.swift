// `messageChunks(_:chunkSize:fill:)`: the pieces a POP3 RETR reads straight into its own buffers.
import Foundation
import MailStore
import Testing

extension MailStoreBehaviour {
    /// Every message (prefix and content, inline or in a file, empty) comes back whole, in
    /// pieces of at most `chunkSize` octets, each filled completely through the caller's memory;
    /// a head longer than one piece is split across the prefix/content boundary; a gone message
    /// throws.
    func filledChunksAreTheMessage() async throws {
        let account = try await makeAccount("alice@example.test")
        let prefix = Array("Delivered-To: alice@example.test\r\n".utf8)
        let contents = [Self.content("Subject: small\r\n\r\n.dot\r\n"), Self.randomContent(bytes: 20 * 1024 + 5),
                        MessageContent(bytes: []), Self.randomContent(bytes: 300 * 1024 + 7)]
        for (index, content) in contents.enumerated() {
            let messagePrefix = index == 2 ? [] : prefix
            let appended = try await appendOne(account, content, prefix: messagePrefix)
            let stored = try #require(await store.message(mailboxID: appended.mailboxID, uid: appended.uid))
            for chunkSize in [4096, 65_536, 1 << 20] {
                var whole: [UInt8] = []
                var pieces = 0
                let stream = try await store.messageChunks(stored, chunkSize: chunkSize) { count, read -> [UInt8] in
                    // Poisoned memory: a piece the store did not fill completely shows.
                    var piece = [UInt8](repeating: 0xAA, count: count + 8)
                    try piece.withUnsafeMutableBytes { try read($0) }
                    #expect(piece[count...].allSatisfy { $0 == 0xAA })
                    return Array(piece[..<count])
                }
                for try await piece in stream {
                    #expect(!piece.isEmpty && piece.count <= chunkSize)
                    whole += piece
                    pieces += 1
                }
                #expect(whole == messagePrefix + content.bytes, "message \(index), chunk size \(chunkSize)")
                // The head (prefix and inline content) and the file are pieced separately.
                #expect(pieces <= (whole.count + chunkSize - 1) / chunkSize + 1)
            }
        }
        let gone = try await appendOne(account, Self.content("expunged"))
        let goneStored = try #require(await store.message(mailboxID: gone.mailboxID, uid: gone.uid))
        _ = try await store.expunge(mailboxID: gone.mailboxID, uids: [gone.uid])
        await expectError(.notFound("")) {
            _ = try await store.messageChunks(goneStored, chunkSize: 4096) { count, _ in count }
        }
    }
}
