// Behaviour: COPY and MOVE (RFC 4315 UIDPLUS, RFC 6851): new UIDs, shared content, counters,
// quota, the expunge log, the change feed and account isolation.
import Foundation
import MailStore
import Testing

extension MailStoreBehaviour {
    func archive(_ account: Account) async throws -> Mailbox {
        try #require(await store.mailbox(accountID: account.id, name: "Archive"))
    }

    func copyKeepsFlagsDateAndBytes() async throws {
        let account = try await makeAccount("alice@example.test")
        let box = try await inbox(account)
        let prefix = Array("Delivered-To: alice@example.test\r\n".utf8)
        let contents = [Self.content("Subject: one\r\n\r\n1\r\n"), Self.randomContent(bytes: 70 * 1024),
                        Self.content("Subject: three\r\n\r\n3\r\n")]
        let dates = [1_600_000_000.0, 1_650_000_000, 1_700_000_000].map { Date(timeIntervalSince1970: $0) }
        let flags = [["\\Seen", "$Label1"], [], ["\\Flagged"]]
        _ = try await store.append((0..<3).map {
            AppendRequest(accountID: account.id, prefix: prefix, content: contents[$0], flags: flags[$0],
                          internalDate: dates[$0], metadata: Data("summary \($0)".utf8))
        }).map { try $0.get() }
        let originals = try await store.messages(mailboxID: box.id)
        let sourceBefore = try await inbox(account)
        let usageBefore = try #require(await store.account(id: account.id))
        let target = try await archive(account)

        // Unknown and repeated UIDs are skipped; pairs come back in source UID order.
        let outcome = try await store.copyMessages(from: box.id, uids: [3, 99, 1, 3], to: target.id)
        #expect(outcome == CopyOutcome(uidValidity: target.uidValidity, sourceUIDs: [1, 3], destinationUIDs: [1, 2]))
        let copies = try await store.messages(mailboxID: target.id)
        #expect(copies.map(\.uid) == [1, 2])
        for (copy, original) in zip(copies, [originals[0], originals[2]]) {
            #expect(copy.flags == original.flags)
            #expect(copy.internalDate == original.internalDate)
            #expect(copy.size == original.size && copy.prefixLength == original.prefixLength)
            #expect(copy.contentSHA256 == original.contentSHA256 && copy.metadata == original.metadata)
            #expect(copy.id != original.id)
            #expect(copy.modSeq > target.highestModSeq)
            #expect(try await store.messageBytes(copy) == store.messageBytes(original))
        }
        #expect(copies[0].modSeq < copies[1].modSeq)
        let after = try await archive(account)
        #expect(after.uidNext == 3 && after.messageCount == 2 && after.unseenCount == 1)
        #expect(after.highestModSeq == copies[1].modSeq)
        #expect(after.totalBytes == Int64(originals[0].size + originals[2].size))
        let usage = try #require(await store.account(id: account.id))
        #expect(usage.usedBytes == usageBefore.usedBytes + after.totalBytes)
        #expect(usage.messageCount == usageBefore.messageCount + 2)
        // The source is untouched: same messages, same MODSEQs.
        #expect(try await store.messages(mailboxID: box.id) == originals)
        #expect(try await inbox(account) == sourceBefore)

        // The large (file) body copies too, and further copies continue the destination's UIDs.
        let second = try await store.copyMessages(from: box.id, uids: [2], to: target.id)
        #expect(second.destinationUIDs == [3])
        let largeCopy = try #require(await store.message(mailboxID: target.id, uid: 3))
        #expect(try await store.messageBytes(largeCopy) == prefix + contents[1].bytes)
        // Copying into the same mailbox is allowed: a duplicate with a new UID.
        let duplicate = try await store.copyMessages(from: box.id, uids: [1], to: box.id)
        #expect(duplicate.destinationUIDs == [4])
        #expect(try await inbox(account).messageCount == 4)

        // Nothing to copy: an empty outcome, and nothing changes.
        let before = try await archive(account)
        let empty = try await store.copyMessages(from: box.id, uids: [42, 43], to: target.id)
        #expect(empty == CopyOutcome(uidValidity: target.uidValidity, sourceUIDs: [], destinationUIDs: []))
        #expect(try await archive(account) == before)
    }

    /// COPY adds usage and is refused whole when it would exceed the quota; MOVE adds none.
    func copyRespectsQuotaMoveDoesNotNeedIt() async throws {
        let account = try await makeAccount("alice@example.test", quota: 250)
        let box = try await inbox(account)
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: 100)
        _ = try await store.append((0..<2).map {
            AppendRequest(accountID: account.id, content: MessageContent(bytes: body + [UInt8($0)]))
        }).map { try $0.get() }
        let target = try await archive(account)
        await expectError(.overQuota(accountID: account.id)) {
            _ = try await store.copyMessages(from: box.id, uids: [1, 2], to: target.id)
        }
        await expectError(.overQuota(accountID: account.id)) {
            _ = try await store.copyMessages(from: box.id, uids: [2], to: target.id)
        }
        #expect(try await store.messages(mailboxID: target.id).isEmpty)
        #expect(try await archive(account) == target)
        let usage = try #require(await store.account(id: account.id))
        #expect(usage.usedBytes == 202 && usage.messageCount == 2)

        let moved = try await store.moveMessages(from: box.id, uids: [1, 2], to: target.id)
        #expect(moved.destinationUIDs == [1, 2])
        let afterMove = try #require(await store.account(id: account.id))
        #expect(afterMove.usedBytes == 202 && afterMove.messageCount == 2)
        // Room again once mail is expunged: a copy within the quota succeeds.
        _ = try await store.expunge(mailboxID: target.id, uids: [2])
        #expect(try await store.copyMessages(from: target.id, uids: [1], to: box.id).destinationUIDs == [3])
        #expect(try await store.account(id: account.id)?.usedBytes == 202)
    }

    /// Copies share the stored body: expunging either one never takes the other's bytes.
    func copiesOutliveTheirOriginal() async throws {
        let account = try await makeAccount("alice@example.test")
        let box = try await inbox(account)
        let target = try await archive(account)
        let prefix = Array("Return-Path: <s@remote.test>\r\n".utf8)
        for content in [Self.content("Subject: small\r\n\r\nbody\r\n"), Self.randomContent(bytes: 80 * 1024)] {
            let original = try await appendOne(account, content, prefix: prefix)
            let copy = try await store.copyMessages(from: box.id, uids: [original.uid], to: target.id)
            let copyUID = try #require(copy.destinationUIDs.first)
            #expect(try await store.expunge(mailboxID: box.id, uids: [original.uid]) == [original.uid])
            let survivor = try #require(await store.message(mailboxID: target.id, uid: copyUID))
            #expect(try await store.messageBytes(survivor) == prefix + content.bytes)
            // A second generation: copy back, expunge the first copy, still readable.
            let back = try await store.copyMessages(from: target.id, uids: [copyUID], to: box.id)
            _ = try await store.expunge(mailboxID: target.id, uids: [copyUID])
            let backUID = try #require(back.destinationUIDs.first)
            let last = try #require(await store.message(mailboxID: box.id, uid: backUID))
            #expect(try await store.messageBytes(last) == prefix + content.bytes)
            var chunked: [UInt8] = []
            for try await chunk in try await store.messageChunks(last, chunkSize: 16_384) { chunked += chunk }
            #expect(chunked == prefix + content.bytes)
        }
    }

    func moveExpungesFromTheSource() async throws {
        let account = try await makeAccount("alice@example.test")
        let box = try await inbox(account)
        _ = try await store.append((1...4).map {
            AppendRequest(accountID: account.id, content: Self.content("message number \($0)"),
                          flags: $0 == 2 ? ["\\Seen", "Work"] : [])
        }).map { try $0.get() }
        let originals = try await store.messages(mailboxID: box.id)
        let before = try await inbox(account)
        let usageBefore = try #require(await store.account(id: account.id))
        let target = try await archive(account)

        let outcome = try await store.moveMessages(from: box.id, uids: [4, 2, 7], to: target.id)
        #expect(outcome == CopyOutcome(uidValidity: target.uidValidity, sourceUIDs: [2, 4], destinationUIDs: [1, 2]))
        #expect(try await store.messages(mailboxID: box.id).map(\.uid) == [1, 3])
        let source = try await inbox(account)
        #expect(source.messageCount == 2 && source.unseenCount == 2)
        #expect(source.totalBytes == before.totalBytes / 2)
        #expect(source.uidNext == before.uidNext)
        #expect(source.highestModSeq > before.highestModSeq)
        // RFC 6851 §4.4: the removals are in the expunge log, so QRESYNC can report VANISHED.
        let log = try await store.expunged(mailboxID: box.id, sinceModSeq: before.highestModSeq)
        #expect(log.map(\.uid) == [2, 4])
        #expect(log.allSatisfy { $0.modSeq > before.highestModSeq && $0.modSeq <= source.highestModSeq })
        #expect(try await store.messageIndex(mailboxID: box.id, changedSinceModSeq: before.highestModSeq).isEmpty)

        let moved = try await store.messages(mailboxID: target.id)
        #expect(moved.map(\.uid) == [1, 2])
        #expect(moved.map(\.flags) == [originals[1].flags, originals[3].flags])
        #expect(moved.map(\.internalDate) == [originals[1].internalDate, originals[3].internalDate])
        #expect(try await store.messageBytes(moved[0]) == Array("message number 2".utf8))
        let destination = try await archive(account)
        #expect(destination.messageCount == 2 && destination.unseenCount == 1 && destination.uidNext == 3)
        #expect(destination.highestModSeq == moved[1].modSeq && moved[0].modSeq > target.highestModSeq)
        #expect(destination.totalBytes == before.totalBytes / 2)
        let usage = try #require(await store.account(id: account.id))
        #expect(usage.usedBytes == usageBefore.usedBytes && usage.messageCount == usageBefore.messageCount)

        // Moving within one mailbox: new UID, old UID expunged, counters unchanged.
        let sameBefore = try await inbox(account)
        let same = try await store.moveMessages(from: box.id, uids: [1], to: box.id)
        #expect(same.sourceUIDs == [1] && same.destinationUIDs == [5])
        #expect(try await store.messages(mailboxID: box.id).map(\.uid) == [3, 5])
        let sameAfter = try await inbox(account)
        #expect(sameAfter.messageCount == 2 && sameAfter.unseenCount == sameBefore.unseenCount)
        #expect(sameAfter.totalBytes == sameBefore.totalBytes && sameAfter.uidNext == 6)
        #expect(try await store.expunged(mailboxID: box.id, sinceModSeq: sameBefore.highestModSeq).map(\.uid) == [1])
        let rehomed = try #require(await store.message(mailboxID: box.id, uid: 5))
        #expect(rehomed.modSeq < sameAfter.highestModSeq)
    }

    /// DESIGN.md rule 3: no copying or moving into another account's mailbox.
    func copyAndMoveStayInTheAccount() async throws {
        let alice = try await makeAccount("alice@example.test")
        let bob = try await makeAccount("bob@example.test")
        let aliceInbox = try await inbox(alice)
        let bobInbox = try await inbox(bob)
        _ = try await appendOne(alice, Self.content("private"))
        await expectError(.notFound("")) {
            _ = try await store.copyMessages(from: aliceInbox.id, uids: [1], to: bobInbox.id)
        }
        await expectError(.notFound("")) {
            _ = try await store.moveMessages(from: aliceInbox.id, uids: [1], to: bobInbox.id)
        }
        await expectError(.notFound("")) {
            _ = try await store.copyMessages(from: aliceInbox.id, uids: [1], to: 999_999)
        }
        await expectError(.notFound("")) {
            _ = try await store.moveMessages(from: 999_999, uids: [1], to: aliceInbox.id)
        }
        #expect(try await store.messages(mailboxID: bobInbox.id).isEmpty)
        #expect(try await store.messages(mailboxID: aliceInbox.id).map(\.uid) == [1])
        #expect(try await inbox(bob) == bobInbox)
        #expect(try await store.account(id: bob.id)?.usedBytes == 0)
    }

    /// Appends in the destination, then (MOVE) expunges in the source, after commit.
    func copyAndMovePublishChanges() async throws {
        let account = try await makeAccount("alice@example.test")
        let box = try await inbox(account)
        let target = try await archive(account)
        _ = try await store.append((1...2).map { AppendRequest(accountID: account.id, content: Self.content("m\($0)")) })
        let feed = store.changes()
        var iterator = feed.makeAsyncIterator()

        let copied = try await store.copyMessages(from: box.id, uids: [1, 2], to: target.id)
        let copies = try await store.messages(mailboxID: target.id)
        for (uid, copy) in zip(copied.destinationUIDs, copies) {
            let change = try #require(await iterator.next())
            #expect(change == MailboxChange(accountID: account.id, mailboxID: target.id, modSeq: copy.modSeq,
                                            kind: .appended(uid: uid)))
        }
        let moved = try await store.moveMessages(from: box.id, uids: [2], to: target.id)
        let appended = try #require(await iterator.next())
        let movedUID = try #require(moved.destinationUIDs.first)
        #expect(appended.mailboxID == target.id && appended.kind == .appended(uid: movedUID))
        // Published after commit: the reader already sees the message in its new place.
        #expect(try await store.message(mailboxID: target.id, uid: moved.destinationUIDs[0]) != nil)
        let expunged = try #require(await iterator.next())
        #expect(expunged.mailboxID == box.id && expunged.kind == .expunged(uid: 2))
        let sourceNow = try await inbox(account)
        #expect(expunged.modSeq == sourceNow.highestModSeq)
        // Nothing to copy publishes nothing: the next change is the next real one.
        _ = try await store.copyMessages(from: box.id, uids: [2], to: target.id)
        let next = try await appendOne(account, Self.content("later"))
        #expect(try #require(await iterator.next()).kind == .appended(uid: next.uid))
    }
}
