// SEARCH FROM/TO/CC/BCC/SUBJECT over the folded header text stored at delivery (issue 8), with
// the stored summary as the fallback for messages stored before it (or without one).
import Foundation

/// The two tests `MailStore.searchFoldedFields` may run on a message, built once per SEARCH.
///
/// Sendable closures because the store runs them on its own reader threads.
public struct FoldedFieldSearch: Sendable {
    /// Called with a message's stored `FoldedSearchFields` value (borrowed, valid during the call
    /// only); nil when it cannot be read, and the message is then left undecided.
    public var folded: @Sendable (UnsafeRawBufferPointer) -> Bool?
    /// Called with the stored summary of a message that has no folded fields (as
    /// `searchSummaries`); nil leaves the message undecided.
    public var summary: @Sendable (Data) -> Bool?

    public init(folded: @escaping @Sendable (UnsafeRawBufferPointer) -> Bool?,
                summary: @escaping @Sendable (Data) -> Bool?) {
        self.folded = folded
        self.summary = summary
    }
}

extension MailStore {
    /// For stores that keep no folded fields: the summaries answer.
    public func searchFoldedFields(mailboxID: MailboxID, uids: [UInt32],
                                   _ search: FoldedFieldSearch) async throws -> SummarySearchOutcome {
        try await searchSummaries(mailboxID: mailboxID, uids: uids, search.summary)
    }
}
