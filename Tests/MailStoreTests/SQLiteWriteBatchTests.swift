// Group commit of ordinary writes (WriteBatchCommitter) and the cheaper reads added for IMAP
// sessions: what concurrent callers see must be what one-write-per-commit gave them.
import Foundation
import Testing
@testable import MailStore

@Suite struct SQLiteWriteBatchTests {
    func withFixture(_ body: (SQLiteMailStoreFixture, MailStoreBehaviour) async throws -> Void) async throws {
        try await SQLiteMailStoreFixture.run(.init(), body)
    }

    @Test func concurrentWritesCommitEachAndAFailingOneFailsAlone() async throws {
        try await withFixture { fixture, behaviour in
            let account = try await behaviour.makeAccount("batch@example.test")
            let inbox = try await behaviour.inbox(account)
            var uids: [UInt32] = []
            for number in 0..<20 {
                uids.append(try await behaviour.appendOne(account, MailStoreBehaviour.content("Subject: \(number)\r\n\r\nx\r\n")).uid)
            }
            let store = fixture.store
            // Twenty flag changes and five writes to a mailbox that does not exist, all at once.
            let outcomes = await withTaskGroup(of: (Int, Result<Int, StoreError>).self) { group in
                for (index, uid) in uids.enumerated() {
                    group.addTask {
                        do {
                            let updated = try await store.updateFlags(mailboxID: inbox.id, uids: [uid], operation: .add,
                                                                      flags: ["\\Flagged"])
                            return (index, .success(updated.count))
                        } catch let error as StoreError {
                            return (index, .failure(error))
                        } catch {
                            return (index, .failure(.backend("\(error)")))
                        }
                    }
                }
                for index in 0..<5 {
                    group.addTask {
                        do {
                            _ = try await store.updateFlags(mailboxID: 999_999, uids: [1], operation: .add, flags: ["\\Seen"])
                            return (100 + index, .success(0))
                        } catch let error as StoreError {
                            return (100 + index, .failure(error))
                        } catch {
                            return (100 + index, .failure(.backend("\(error)")))
                        }
                    }
                }
                var all: [Int: Result<Int, StoreError>] = [:]
                for await (index, result) in group { all[index] = result }
                return all
            }
            for index in 0..<20 { #expect(try outcomes[index]?.get() == 1) }
            for index in 100..<105 {
                guard case .failure(.notFound) = outcomes[index] else {
                    Issue.record("write to a missing mailbox: \(String(describing: outcomes[index]))")
                    continue
                }
            }
            let stored = try await store.messages(mailboxID: inbox.id, uids: uids)
            #expect(stored.count == 20)
            #expect(stored.allSatisfy { $0.flags.contains("\\Flagged") })
            // RFC 7162 §3.1: each change got its own MODSEQ, as if committed one after the other.
            #expect(Set(stored.map(\.modSeq)).count == 20)
            let mailbox = try #require(await store.mailbox(accountID: account.id, name: "INBOX"))
            #expect(mailbox.highestModSeq == stored.map(\.modSeq).max())
        }
    }

    @Test func rowsWithoutMetadataAndChangesSinceMatchTheFullReads() async throws {
        try await withFixture { fixture, behaviour in
            let account = try await behaviour.makeAccount("reads@example.test")
            let inbox = try await behaviour.inbox(account)
            var uids: [UInt32] = []
            let store = fixture.store
            for number in 0..<6 {
                let request = AppendRequest(accountID: account.id, content: MailStoreBehaviour.content("Subject: \(number)\r\n\r\nx\r\n"),
                                            flags: ["\\Seen"], metadata: Data("summary \(number)".utf8))
                uids.append(try #require(await store.append([request]).first).get().uid)
            }
            let full = try await store.messages(mailboxID: inbox.id, uids: uids)
            let light = try await store.messagesWithoutMetadata(mailboxID: inbox.id, uids: uids)
            #expect(full.contains { !$0.metadata.isEmpty })
            #expect(light.allSatisfy { $0.metadata.isEmpty })
            var stripped = full
            for index in stripped.indices { stripped[index].metadata = Data() }
            #expect(light == stripped)

            let before = try #require(full.map(\.modSeq).max())
            _ = try await store.updateFlags(mailboxID: inbox.id, uids: [uids[1]], operation: .remove, flags: ["\\Seen"])
            _ = try await store.expunge(mailboxID: inbox.id, uids: [uids[4]])
            let changes = try await store.changes(mailboxID: inbox.id, sinceModSeq: before)
            #expect(changes.changed == (try await store.messageIndex(mailboxID: inbox.id, changedSinceModSeq: before)))
            #expect(changes.changed.map(\.uid) == [uids[1]])
            #expect(changes.expunged.map(\.uid) == [uids[4]])
        }
    }
}
