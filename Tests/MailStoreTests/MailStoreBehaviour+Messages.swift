// Behaviour: append (UIDs, MODSEQs, outcomes, quota, content), flags and expunge.
import Foundation
import MailStore
import Testing

extension MailStoreBehaviour {
    func appendAssignsIncreasingUIDsAndModSeqs() async throws {
        let account = try await makeAccount("alice@example.test")
        let box = try await inbox(account)
        let first = try await store.append((1...3).map {
            AppendRequest(accountID: account.id, content: Self.content("message \($0)"), flags: $0 == 2 ? ["\\Seen"] : [])
        })
        let second = try await store.append([
            AppendRequest(accountID: account.id, content: Self.content("message 4")),
            AppendRequest(accountID: account.id, content: Self.content("message 5")),
        ])
        let appended = try (first + second).map { try $0.get() }
        #expect(appended.map(\.uid) == [1, 2, 3, 4, 5])
        #expect(appended.allSatisfy { $0.mailboxID == box.id && $0.uidValidity == box.uidValidity })
        let modSeqs = appended.map(\.modSeq)
        #expect(zip(modSeqs, modSeqs.dropFirst()).allSatisfy { $0 < $1 })
        #expect(modSeqs[0] > box.highestModSeq)
        let after = try await inbox(account)
        #expect(after.uidNext == 6)
        #expect(after.highestModSeq == modSeqs.last)
        #expect(after.messageCount == 5 && after.unseenCount == 4)
        #expect(after.totalBytes == Int64("message 1".utf8.count * 5))
        let stored = try await store.messages(mailboxID: box.id)
        #expect(stored.map(\.uid) == [1, 2, 3, 4, 5])
        #expect(stored.map(\.modSeq) == modSeqs)
        #expect(stored[1].flags == ["\\Seen"])
        let owner = try #require(await store.account(id: account.id))
        #expect(owner.messageCount == 5 && owner.usedBytes == after.totalBytes)
        // UIDs are never reused, even after the highest message is expunged.
        _ = try await store.expunge(mailboxID: box.id, uids: [5])
        #expect(try await appendOne(account, Self.content("message 6")).uid == 6)
    }

    func appendOutcomesInRequestOrder() async throws {
        let alice = try await makeAccount("alice@example.test")
        let bob = try await makeAccount("bob@example.test")
        let bobInbox = try await inbox(bob)
        let results = try await store.append([
            AppendRequest(accountID: alice.id, content: Self.content("a")),
            AppendRequest(accountID: alice.id, mailbox: .name("No Such Folder"), content: Self.content("b")),
            AppendRequest(accountID: alice.id, mailbox: .name("sent"), content: Self.content("c")),
            AppendRequest(accountID: alice.id, mailbox: .id(bobInbox.id), content: Self.content("d")),  // not hers
            AppendRequest(accountID: alice.id, mailbox: .name("Sent"), content: Self.content("e"), flags: ["\\Bogus"]),
            AppendRequest(accountID: alice.id, mailbox: .name("Sent"), content: Self.content("f")),
        ])
        #expect(results.count == 6)
        #expect(try results[0].get().uid == 1)
        #expect(Self.failureKind(results[1]) == "notFound")
        #expect(Self.failureKind(results[2]) == "notFound")     // only INBOX is case-insensitive
        #expect(Self.failureKind(results[3]) == "notFound")
        #expect(Self.failureKind(results[4]) == "invalidName")
        #expect(try results[5].get().uid == 1)
        #expect(try await store.messages(mailboxID: bobInbox.id).isEmpty)
    }

    static func failureKind(_ result: Result<AppendedMessage, StoreError>) -> String? {
        if case .failure(let error) = result { return kind(of: error) }
        return nil
    }

    func quotaRejectsOnlyTheOverflowingRequest() async throws {
        let account = try await makeAccount("alice@example.test", quota: 250)
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: 100)
        let requests = (0..<3).map { index in
            AppendRequest(accountID: account.id, content: MessageContent(bytes: body + [UInt8(index)]))
        }
        let results = try await store.append(requests)
        #expect((try? results[0].get()) != nil)
        #expect((try? results[1].get()) != nil)
        #expect(Self.failureKind(results[2]) == "overQuota(\(account.id))")
        // Delivery that must not bounce (e.g. a postmaster copy) can bypass the quota.
        var bypass = requests[2]
        bypass.enforceQuota = false
        #expect(try await store.append([bypass])[0].get().uid == 3)
        let owner = try #require(await store.account(id: account.id))
        #expect(owner.usedBytes == 303 && owner.messageCount == 3)
        // Over quota now: even a tiny message is refused, and nothing is stored.
        let refused = try await store.append([AppendRequest(accountID: account.id, content: Self.content("y"))])
        #expect(Self.failureKind(refused[0]) == "overQuota(\(account.id))")
        #expect(try await inbox(account).messageCount == 3)
    }

    func prefixPlusContentIsTheMessage() async throws {
        let account = try await makeAccount("alice@example.test")
        let prefix = Array("Return-Path: <sender@remote.test>\r\nDelivered-To: alice@example.test\r\n".utf8)
        let content = Self.content("From: sender@remote.test\r\nSubject: hello\r\n\r\nHi Alice\r\n")
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        let metadata = Data("summary".utf8)
        let appended = try await store.append([
            AppendRequest(accountID: account.id, prefix: prefix, content: content, flags: ["$Forwarded"],
                          internalDate: date, metadata: metadata,
                          searchFields: SearchFields(subject: "hello", from: "sender@remote.test")),
        ])[0].get()
        let stored = try #require(await store.message(mailboxID: appended.mailboxID, uid: appended.uid))
        #expect(stored.id == appended.messageID)
        #expect(stored.size == prefix.count + content.bytes.count)
        #expect(stored.prefixLength == prefix.count)
        #expect(stored.contentSHA256 == content.sha256)
        #expect(stored.internalDate == date)
        #expect(stored.metadata == metadata)
        #expect(stored.flags == ["$Forwarded"])
        #expect(abs(stored.saveDate.timeIntervalSinceNow) < 60)
        #expect(try await store.messageBytes(stored) == prefix + content.bytes)
        // An empty prefix and an empty body are legal too.
        let empty = try await appendOne(account, MessageContent(bytes: []))
        let emptyStored = try #require(await store.message(mailboxID: empty.mailboxID, uid: empty.uid))
        #expect(try await store.messageBytes(emptyStored) == [])
        #expect(emptyStored.size == 0 && emptyStored.metadata.isEmpty)
    }

    func largeBodyRoundTrip() async throws {
        let alice = try await makeAccount("alice@example.test")
        let bob = try await makeAccount("bob@example.test")
        let large = Self.randomContent(bytes: 3 * 1024 * 1024 + 17)
        let results = try await store.append([
            AppendRequest(accountID: alice.id, prefix: Array("X-To: alice\r\n".utf8), content: large),
            AppendRequest(accountID: bob.id, prefix: Array("X-To: bob\r\n".utf8), content: large),
        ]).map { try $0.get() }
        for (appended, who) in zip(results, ["alice", "bob"]) {
            let stored = try #require(await store.message(mailboxID: appended.mailboxID, uid: appended.uid))
            let bytes = try await store.messageBytes(stored)
            #expect(bytes == Array("X-To: \(who)\r\n".utf8) + large.bytes)
            // The chunked read gives the same bytes in bounded pieces.
            var chunked: [UInt8] = []
            var largestChunk = 0
            for try await chunk in try await store.messageChunks(stored, chunkSize: 65_536) {
                chunked.append(contentsOf: chunk)
                largestChunk = max(largestChunk, chunk.count)
            }
            #expect(chunked == bytes)
            #expect(largestChunk <= 65_536)
        }
        let small = try await appendOne(alice, MessageContent(bytes: Array("Subject: s\r\n\r\nhi\r\n".utf8)))
        let smallStored = try #require(await store.message(mailboxID: small.mailboxID, uid: small.uid))
        var smallChunks: [[UInt8]] = []
        for try await chunk in try await store.messageChunks(smallStored, chunkSize: 4096) { smallChunks.append(chunk) }
        #expect(smallChunks == [try await store.messageBytes(smallStored)])
    }

    /// One body delivered to many recipients: every recipient reads its own prefix + the body,
    /// and expunging some copies leaves the others intact.
    func sharedContentServesEveryRecipient() async throws {
        let recipients = try await (0..<5).asyncMap { try await makeAccount("user\($0)@example.test") }
        for content in [Self.content("Subject: list\r\n\r\nto everyone\r\n"), Self.randomContent(bytes: 80 * 1024)] {
            let results = try await store.append(recipients.map {
                AppendRequest(accountID: $0.id, prefix: Array("Delivered-To: \($0.address)\r\n".utf8), content: content)
            }).map { try $0.get() }
            _ = try await store.expunge(mailboxID: results[0].mailboxID, uids: [results[0].uid])
            for (appended, recipient) in zip(results, recipients).dropFirst() {
                let stored = try #require(await store.message(mailboxID: appended.mailboxID, uid: appended.uid))
                #expect(try await store.messageBytes(stored) == Array("Delivered-To: \(recipient.address)\r\n".utf8) + content.bytes)
            }
        }
    }

    /// A digest that does not match its bytes would let two bodies share one key; it is refused.
    func wrongDigestIsRefused() async throws {
        let account = try await makeAccount("alice@example.test")
        let genuine = Self.content("genuine")
        let forged = MessageContent(bytes: Array("forged".utf8), sha256: genuine.sha256)
        let large = Self.randomContent(bytes: 100 * 1024)
        let forgedLarge = MessageContent(bytes: Array(large.bytes.reversed()), sha256: large.sha256)
        let results = try await store.append([
            AppendRequest(accountID: account.id, content: genuine),
            AppendRequest(accountID: account.id, content: forged),
            AppendRequest(accountID: account.id, content: forgedLarge),
        ])
        #expect((try? results[0].get()) != nil)
        #expect(Self.failureKind(results[1]) != nil)
        #expect(Self.failureKind(results[2]) != nil)
        #expect(try await inbox(account).messageCount == 1)
    }

    func flagOperations() async throws {
        let account = try await makeAccount("alice@example.test")
        let box = try await inbox(account)
        let appended = try await store.append((1...3).map {
            AppendRequest(accountID: account.id, content: Self.content("m\($0)"))
        }).map { try $0.get() }
        let start = try await inbox(account).highestModSeq

        // System flags are normalised; \Recent is never stored; keywords keep their spelling.
        let added = try await store.updateFlags(mailboxID: box.id, uids: [1, 2, 99], operation: .add,
                                                flags: ["\\seen", "\\FLAGGED", "\\Recent", "$Important"])
        #expect(added.map(\.uid) == [1, 2])
        #expect(added.allSatisfy { $0.flags == ["$Important", "\\Flagged", "\\Seen"] })
        #expect(added[0].modSeq > start && added[1].modSeq > added[0].modSeq)
        var mailbox = try await inbox(account)
        #expect(mailbox.highestModSeq == added[1].modSeq)
        #expect(mailbox.unseenCount == 1)

        // Adding what is already there (keywords compared case-insensitively) changes no MODSEQ.
        let again = try await store.updateFlags(mailboxID: box.id, uids: [1], operation: .add, flags: ["\\Seen", "$important"])
        #expect(again[0].modSeq == added[0].modSeq)
        #expect(again[0].flags == ["$Important", "\\Flagged", "\\Seen"])
        #expect(try await inbox(account).highestModSeq == mailbox.highestModSeq)

        let removed = try await store.updateFlags(mailboxID: box.id, uids: [1], operation: .remove, flags: ["\\Seen", "$IMPORTANT"])
        #expect(removed[0].flags == ["\\Flagged"])
        #expect(removed[0].modSeq > mailbox.highestModSeq)

        let replaced = try await store.updateFlags(mailboxID: box.id, uids: [1, 3], operation: .replace,
                                                   flags: ["\\Answered", "\\Draft", "Custom"])
        #expect(replaced.map(\.flags) == [["Custom", "\\Answered", "\\Draft"], ["Custom", "\\Answered", "\\Draft"]])
        mailbox = try await inbox(account)
        #expect(mailbox.unseenCount == 2)
        #expect(mailbox.highestModSeq == replaced[1].modSeq)

        let reread = try #require(await store.message(mailboxID: box.id, uid: 3))
        #expect(reread.flags == replaced[1].flags && reread.modSeq == replaced[1].modSeq)
        #expect(appended.count == 3)
        await expectInvalidName {
            _ = try await store.updateFlags(mailboxID: box.id, uids: [1], operation: .add, flags: ["\\NotAFlag"])
        }
        await expectInvalidName {
            _ = try await store.updateFlags(mailboxID: box.id, uids: [1], operation: .add, flags: ["has space"])
        }
        await expectError(.notFound("")) {
            _ = try await store.updateFlags(mailboxID: 999_999, uids: [1], operation: .add, flags: ["\\Seen"])
        }
    }

    func expungeRecordsLogAndReleasesSpace() async throws {
        let account = try await makeAccount("alice@example.test")
        let box = try await inbox(account)
        _ = try await store.append((1...4).map {
            AppendRequest(accountID: account.id, content: Self.content("message number \($0)"))
        })
        let before = try await inbox(account)
        let removed = try await store.expunge(mailboxID: box.id, uids: [3, 1, 42, 1])
        #expect(removed == [1, 3])
        #expect(try await store.messages(mailboxID: box.id).map(\.uid) == [2, 4])
        let after = try await inbox(account)
        #expect(after.messageCount == 2)
        #expect(after.highestModSeq > before.highestModSeq)
        #expect(after.totalBytes == before.totalBytes / 2)
        let log = try await store.expunged(mailboxID: box.id, sinceModSeq: before.highestModSeq)
        #expect(log.map(\.uid) == [1, 3])
        #expect(log.allSatisfy { $0.modSeq > before.highestModSeq && $0.modSeq <= after.highestModSeq })
        #expect(try await store.expunged(mailboxID: box.id, sinceModSeq: after.highestModSeq).isEmpty)
        let owner = try #require(await store.account(id: account.id))
        #expect(owner.messageCount == 2 && owner.usedBytes == after.totalBytes)
        #expect(try await store.expunge(mailboxID: box.id, uids: [1, 3]).isEmpty)
        #expect(try await inbox(account).highestModSeq == after.highestModSeq)
    }
}

extension Sequence where Element: Sendable {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
