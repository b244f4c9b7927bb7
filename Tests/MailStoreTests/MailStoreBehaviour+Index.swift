// Behaviour: the reads IMAP sessions are built on: the message index (SELECT, CONDSTORE), rows
// for a large UID set, and partial bytes across the prefix/content boundary.
import Foundation
import MailStore
import Testing

extension MailStoreBehaviour {
    func messageIndexFollowsUIDsAndModSeqs() async throws {
        let account = try await makeAccount("alice@example.test")
        let box = try await inbox(account)
        _ = try await store.append((1...5).map {
            AppendRequest(accountID: account.id, content: Self.content("m\($0)"), flags: $0 == 5 ? ["$Label"] : [])
        }).map { try $0.get() }
        let afterAppends = try await inbox(account).highestModSeq
        _ = try await store.updateFlags(mailboxID: box.id, uids: [4, 2], operation: .add, flags: ["\\Seen"])
        _ = try await store.expunge(mailboxID: box.id, uids: [3])

        let index = try await store.messageIndex(mailboxID: box.id)
        let full = try await store.messages(mailboxID: box.id)
        #expect(index == full.map { MessageIndexEntry(uid: $0.uid, modSeq: $0.modSeq, flags: $0.flags) })
        #expect(index.map(\.uid) == [1, 2, 4, 5])
        #expect(index.map(\.flags) == [[], ["\\Seen"], ["\\Seen"], ["$Label"]])

        // CHANGEDSINCE: strictly above the given MODSEQ, in UID order whatever the change order.
        let changed = try await store.messageIndex(mailboxID: box.id, changedSinceModSeq: afterAppends)
        #expect(changed.map(\.uid) == [2, 4])
        #expect(changed.allSatisfy { $0.modSeq > afterAppends && $0.flags == ["\\Seen"] })
        let highest = try await inbox(account).highestModSeq
        #expect(try await store.messageIndex(mailboxID: box.id, changedSinceModSeq: highest).isEmpty)
        #expect(try await store.messageIndex(mailboxID: box.id, changedSinceModSeq: 0) == index)
        let later = try await appendOne(account, Self.content("m6"))
        #expect(try await store.messageIndex(mailboxID: box.id, changedSinceModSeq: highest)
            == [MessageIndexEntry(uid: later.uid, modSeq: later.modSeq, flags: [])])
        #expect(try await store.messageIndex(mailboxID: 999_999).isEmpty)

        // EXPUNGE's read: exactly the \Deleted UIDs, in UID order, of this mailbox only.
        #expect(try await store.deletedUIDs(mailboxID: box.id).isEmpty)
        _ = try await store.updateFlags(mailboxID: box.id, uids: [later.uid, 1], operation: .add, flags: ["\\Deleted"])
        let other = try await store.createMailbox(accountID: account.id, name: "Other", specialUse: nil)
        _ = try await store.append([AppendRequest(accountID: account.id, mailbox: .id(other.id), content: Self.content("x"),
                                                  flags: ["\\Deleted"])]).map { try $0.get() }
        let deleted = try await store.deletedUIDs(mailboxID: box.id)
        #expect(deleted == [1, later.uid])
        #expect(deleted == (try await store.messageIndex(mailboxID: box.id)).filter { $0.flags.contains("\\Deleted") }.map(\.uid))
        #expect(try await store.deletedUIDs(mailboxID: other.id) == [1])
        #expect(try await store.deletedUIDs(mailboxID: 999_999).isEmpty)
    }

    /// 2,000 scattered UIDs (many missing, some repeated) in one call: every present one, once,
    /// in UID order.
    func messagesForManyUIDs() async throws {
        let account = try await makeAccount("alice@example.test")
        let box = try await inbox(account)
        for batch in 0..<3 {
            _ = try await store.append((0..<500).map {
                AppendRequest(accountID: account.id, content: Self.content("message \(batch * 500 + $0)"))
            }).map { try $0.get() }
        }
        let gone = Array(stride(from: 7, through: 1_500, by: 7)).map { UInt32($0) }
        _ = try await store.expunge(mailboxID: box.id, uids: gone)

        // Odd UIDs only, so no two are adjacent: 2,000 separate UIDs, half beyond the last one.
        let odd = (0..<2_000).map { UInt32(2 * $0 + 1) }
        var requested = odd + odd.prefix(100)
        requested.shuffle()
        let found = try await store.messages(mailboxID: box.id, uids: requested)
        let expected = odd.filter { $0 <= 1_500 && !gone.contains($0) }
        #expect(found.map(\.uid) == expected)
        let all = try await store.messages(mailboxID: box.id)
        let byUID = Dictionary(uniqueKeysWithValues: all.map { ($0.uid, $0) })
        #expect(found == expected.compactMap { byUID[$0] })

        // 20,000 isolated UIDs: more runs than SQLite allows variables in one statement.
        let sparse = (0..<20_000).map { UInt32(4 * $0 + 1) }
        #expect(try await store.messages(mailboxID: box.id, uids: sparse).map(\.uid)
            == sparse.filter { $0 <= 1_500 && !gone.contains($0) })

        // A contiguous range, and the trivial cases.
        #expect(try await store.messages(mailboxID: box.id, uids: Array(1...1_500)) == all)
        #expect(try await store.messages(mailboxID: box.id, uids: []).isEmpty)
        #expect(try await store.messages(mailboxID: box.id, uids: [7, 1_501, UInt32.max]).isEmpty)
        #expect(try await store.messages(mailboxID: 999_999, uids: [1, 2]).isEmpty)
    }

    /// BODY[]<start.length>: any range of prefix + content, for bodies in the database and in files.
    func messageBytesReadsRanges() async throws {
        let account = try await makeAccount("alice@example.test")
        let prefix = Array("Return-Path: <sender@remote.test>\r\n".utf8)
        let p = prefix.count
        var batches: [(message: StoredMessage, ranges: [Range<Int>], expected: [[UInt8]])] = []
        for content in [Self.content("Subject: small\r\n\r\nsmall body\r\n"), Self.randomContent(bytes: 70 * 1024 + 3)] {
            for messagePrefix in [prefix, []] {
                let appended = try await appendOne(account, content, prefix: messagePrefix)
                let stored = try #require(await store.message(mailboxID: appended.mailboxID, uid: appended.uid))
                let whole = messagePrefix + content.bytes
                let n = whole.count
                let ranges: [Range<Int>] = [
                    0..<n, 0..<5, 0..<p, p - 3..<p + 4, p..<p + 10, 3..<p - 3, n - 5..<n,
                    n - 5..<n + 100, n..<n + 10, n + 10..<n + 20, 5..<5, -3..<4, 1_000..<40_000, 0..<Int.max,
                ]
                var expected: [[UInt8]] = []
                for range in ranges {
                    let lower = min(max(range.lowerBound, 0), n)
                    let upper = min(max(range.upperBound, lower), n)
                    let bytes = try await store.messageBytes(stored, range: range)
                    #expect(bytes == Array(whole[lower..<upper]), "range \(range) of \(n) octets")
                    expected.append(Array(whole[lower..<upper]))
                }
                batches.append((stored, ranges, expected))
            }
        }
        // The batch form (FETCH of a message list) reads the same octets in request order, mixing
        // bodies kept in the database with bodies kept in files.
        let requests = batches.flatMap { batch in batch.ranges.map { MessageRangeRequest(message: batch.message, range: $0) } }
        #expect(try await store.messageBytes(requests) == batches.flatMap(\.expected))
        #expect(try await store.messageBytes([MessageRangeRequest]()).isEmpty)
        let gone = try await appendOne(account, Self.content("expunged"))
        let goneStored = try #require(await store.message(mailboxID: gone.mailboxID, uid: gone.uid))
        _ = try await store.expunge(mailboxID: gone.mailboxID, uids: [gone.uid])
        await expectError(.notFound("")) { _ = try await store.messageBytes(goneStored, range: 0..<4) }
        await expectError(.notFound("")) {
            _ = try await store.messageBytes([MessageRangeRequest(message: batches[0].message, range: 0..<4),
                                              MessageRangeRequest(message: goneStored, range: 0..<4)])
        }
    }

    /// The batch that POP3 renders from the store's memory: every message whole (prefix and
    /// content, inline or in a file), in request order, each with its row; a gone one throws.
    func renderMessagesLendsWholeMessages() async throws {
        let account = try await makeAccount("alice@example.test")
        let prefix = Array("Delivered-To: alice@example.test\r\n".utf8)
        let contents = [Self.content("Subject: small\r\n\r\n.dot\r\n"), Self.randomContent(bytes: 70 * 1024 + 3),
                        MessageContent(bytes: []), Self.randomContent(bytes: 90 * 1024), Self.content("last")]
        var stored: [StoredMessage] = []
        var expected: [[UInt8]] = []
        for (index, content) in contents.enumerated() {
            let messagePrefix = index % 2 == 0 ? prefix : []
            let appended = try await appendOne(account, content, prefix: messagePrefix)
            stored.append(try #require(await store.message(mailboxID: appended.mailboxID, uid: appended.uid)))
            expected.append(messagePrefix + content.bytes)
        }
        // Twice the larger file first, so the reused scratch memory must not leak a longer tail.
        let order = [3, 0, 1, 2, 4, 1, 3]
        let rendered = try await store.renderMessages(order.map { stored[$0] }) { message, prefix, content in
            (message.uid, Array(prefix) + Array(content))
        }
        #expect(rendered.map(\.0) == order.map { stored[$0].uid })
        #expect(rendered.map(\.1) == order.map { expected[$0] })
        #expect(try await store.renderMessages([]) { _, _, _ in 0 }.isEmpty)
        let gone = try await appendOne(account, Self.content("expunged"))
        let goneStored = try #require(await store.message(mailboxID: gone.mailboxID, uid: gone.uid))
        _ = try await store.expunge(mailboxID: gone.mailboxID, uids: [gone.uid])
        await expectError(.notFound("")) {
            _ = try await store.renderMessages([stored[0], goneStored]) { _, prefix, content in prefix.count + content.count }
        }
    }
}
