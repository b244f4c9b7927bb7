// SEARCH keys answered from each message's stored summary alone (FROM, TO, SUBJECT, SENT*…), for
// stores without a narrower read.
import Foundation

/// What `MailStore.searchSummaries` found: the UIDs the test accepted, and those it could not
/// decide from the summary (missing or unreadable), which the caller tests the usual way.
public struct SummarySearchOutcome: Sendable, Equatable {
    public var matched: [UInt32]
    public var undecided: [UInt32]

    public init(matched: [UInt32] = [], undecided: [UInt32] = []) {
        self.matched = matched
        self.undecided = undecided
    }
}

extension MailStore {
    /// From full rows, for stores without a cheaper read.
    public func searchSummaries(mailboxID: MailboxID, uids: [UInt32],
                                _ test: @escaping @Sendable (Data) -> Bool?) async throws -> SummarySearchOutcome {
        var outcome = SummarySearchOutcome()
        for message in try await messages(mailboxID: mailboxID, uids: uids) {
            switch message.metadata.isEmpty ? nil : test(message.metadata) {
            case .some(true): outcome.matched.append(message.uid)
            case .some(false): break
            case .none: outcome.undecided.append(message.uid)
            }
        }
        return outcome
    }
}
