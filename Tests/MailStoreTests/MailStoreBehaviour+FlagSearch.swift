// Behaviour: `uids(mailboxID:flagged:unflagged:)`, the read behind SEARCH UNSEEN (issue 8), gives
// what filtering the message index gives, for system flags, keywords and their mixes.
import Foundation
import MailStore
import Testing

extension MailStoreBehaviour {
    func flagSearchAgreesWithTheIndex() async throws {
        let account = try await makeAccount("alice@example.test")
        let box = try await inbox(account)
        let flagSets: [[String]] = [[], ["\\Seen"], ["\\Seen", "\\Deleted"], ["\\Flagged"], ["$Label"],
                                    ["\\Deleted"], ["\\Seen", "$Label"], ["\\Answered", "\\Draft"]]
        _ = try await store.append(flagSets.enumerated().map { index, flags in
            AppendRequest(accountID: account.id, content: Self.content("m\(index)"), flags: flags)
        }).map { try $0.get() }
        // Another mailbox's unseen message must never show up.
        let other = try await store.createMailbox(accountID: account.id, name: "Other", specialUse: nil)
        _ = try await store.append([AppendRequest(accountID: account.id, mailbox: .id(other.id), content: Self.content("x"))])
            .map { try $0.get() }
        let index = try await store.messageIndex(mailboxID: box.id)

        let cases: [(flagged: [String], unflagged: [String], expected: [UInt32])] = [
            ([], ["\\Seen"], [1, 4, 5, 6, 8]),                 // UNSEEN
            (["\\Seen"], [], [2, 3, 7]),                        // SEEN
            ([], ["\\seen"], [1, 4, 5, 6, 8]),                 // names are case-insensitive
            (["\\Deleted"], [], [3, 6]),
            ([], ["\\Seen", "\\Deleted"], [1, 4, 5, 8]),       // UNSEEN UNDELETED
            (["\\Flagged"], ["\\Seen"], [4]),
            (["\\Seen"], ["\\Seen"], []),                      // contradictory
            (["$label"], [], [5, 7]),                          // keywords
            (["$Label"], ["\\Seen"], [5]),
            ([], ["$Label", "\\Deleted"], [1, 2, 4, 8]),
            (["\\Answered", "\\Draft"], [], [8]),
            ([], [], [1, 2, 3, 4, 5, 6, 7, 8]),
        ]
        for test in cases {
            let found = try await store.uids(mailboxID: box.id, flagged: test.flagged, unflagged: test.unflagged)
            #expect(found == test.expected, "\(test.flagged) / \(test.unflagged)")
            #expect(found == MessageIndexEntry.uids(of: index, flagged: test.flagged, unflagged: test.unflagged))
        }
        #expect(try await store.uids(mailboxID: other.id, flagged: [], unflagged: ["\\Seen"]) == [1])
        #expect(try await store.uids(mailboxID: 999_999, flagged: [], unflagged: ["\\Seen"]).isEmpty)
    }
}
