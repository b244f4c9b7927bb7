// Behaviour: conditional flag changes (RFC 7162 §3.1.3 STORE UNCHANGEDSINCE) and the expunge-log
// floor every backend reports.
import Foundation
import MailStore
import Testing

extension MailStoreBehaviour {
    func conditionalFlagUpdateSkipsNewerMessages() async throws {
        let account = try await makeAccount("alice@example.test")
        let box = try await inbox(account)
        _ = try await store.append((1...3).map { AppendRequest(accountID: account.id, content: Self.content("m\($0)")) })
            .map { try $0.get() }
        let baseline = try await inbox(account).highestModSeq
        // Another client changes message 2 after the baseline.
        let touched = try #require(try await store.updateFlags(mailboxID: box.id, uids: [2], operation: .add,
                                                                flags: ["$Label"]).first)
        let before = try await inbox(account).highestModSeq

        let outcome = try await store.updateFlags(mailboxID: box.id, uids: [3, 1, 2, 2, 99], operation: .add,
                                                  flags: ["\\Seen"], unchangedSince: baseline)
        #expect(outcome.updated.map(\.uid) == [1, 3])
        #expect(outcome.updated.allSatisfy { $0.flags == ["\\Seen"] && $0.modSeq > before })
        #expect(outcome.modified.map(\.uid) == [2])
        #expect(outcome.modified.first?.flags == ["$Label"])
        #expect(outcome.modified.first?.modSeq == touched.modSeq)
        let index = try await store.messageIndex(mailboxID: box.id)
        #expect(index.map(\.flags) == [["\\Seen"], ["$Label"], ["\\Seen"]])
        #expect(try await inbox(account).unseenCount == 1)

        // A no-op passes the test without a new MODSEQ; UNCHANGEDSINCE 0 always fails (§3.1.3).
        let highest = try await inbox(account).highestModSeq
        let again = try await store.updateFlags(mailboxID: box.id, uids: [1], operation: .add, flags: ["\\Seen"],
                                                unchangedSince: highest)
        #expect(again.updated.map(\.modSeq) == [index[0].modSeq])
        #expect(again.modified.isEmpty)
        #expect(try await inbox(account).highestModSeq == highest)
        let zero = try await store.updateFlags(mailboxID: box.id, uids: [1, 2, 3], operation: .remove,
                                               flags: ["\\Seen"], unchangedSince: 0)
        #expect(zero.updated.isEmpty)
        #expect(zero.modified.map(\.uid) == [1, 2, 3])
        #expect(try await store.messageIndex(mailboxID: box.id) == index)
        await expectError(.notFound("")) {
            _ = try await store.updateFlags(mailboxID: 999_999, uids: [1], operation: .add, flags: ["\\Seen"],
                                            unchangedSince: 1)
        }
        // Nothing was pruned in a fresh store: the log is complete from MODSEQ 0.
        _ = try await store.expunge(mailboxID: box.id, uids: [1])
        #expect(try await store.expungeLogFloor(mailboxID: box.id) == 0)
        #expect(try await store.expunged(mailboxID: box.id, sinceModSeq: 0).map(\.uid) == [1])
    }
}
