// Behaviour: `searchSummaries`, the read behind SEARCH FROM (issue 8), hands the test each asked-for
// message's stored summary and sorts the UIDs into matched and undecided.
import Foundation
import MailStore
import Testing

extension MailStoreBehaviour {
    func summarySearchLendsEachSummary() async throws {
        let account = try await makeAccount("alice@example.test")
        let box = try await inbox(account)
        // UIDs 1-6: "yes", "no", none, "maybe", "yes", "no".
        let summaries = ["yes", "no", "", "maybe", "yes", "no"]
        _ = try await store.append(summaries.enumerated().map { index, summary in
            AppendRequest(accountID: account.id, content: Self.content("m\(index)"), metadata: Data(summary.utf8))
        }).map { try $0.get() }
        let other = try await store.createMailbox(accountID: account.id, name: "Other", specialUse: nil)
        _ = try await store.append([AppendRequest(accountID: account.id, mailbox: .id(other.id), content: Self.content("x"),
                                                  metadata: Data("yes".utf8))]).map { try $0.get() }
        let test: @Sendable (Data) -> Bool? = { data in
            switch String(decoding: data, as: UTF8.self) {
            case "yes": return true
            case "no": return false
            default: return nil
            }
        }
        let all = try await store.searchSummaries(mailboxID: box.id, uids: [1, 2, 3, 4, 5, 6], test)
        #expect(all == SummarySearchOutcome(matched: [1, 5], undecided: [3, 4]))
        // Only the UIDs asked for, whatever their order; missing ones are skipped.
        let some = try await store.searchSummaries(mailboxID: box.id, uids: [5, 3, 99, 2], test)
        #expect(some == SummarySearchOutcome(matched: [5], undecided: [3]))
        #expect(try await store.searchSummaries(mailboxID: box.id, uids: [], test) == SummarySearchOutcome())
        #expect(try await store.searchSummaries(mailboxID: other.id, uids: [1, 2], test)
            == SummarySearchOutcome(matched: [1]))
    }
}
