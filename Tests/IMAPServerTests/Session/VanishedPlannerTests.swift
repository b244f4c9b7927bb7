// The VANISHED (EARLIER) rules on their own: the exact log, the pruned-log fallback (RFC 7162
// §3.2.6 <minmodseq>) and sequence match data (§3.2.5.2).

@testable import IMAPServer
import MailStore
import Testing

@Suite struct VanishedPlannerTests {
    private func planner(_ requested: [ClosedRange<UInt32>], since: UInt64, floor: UInt64,
                         highest: UInt32 = 20, matched: UInt32 = 0) -> VanishedPlanner {
        VanishedPlanner(requested: SearchNumberSet(requested.map { .init(.number($0.lowerBound), .number($0.upperBound)) },
                                                   largest: highest),
                        sinceModSeq: since, logFloor: floor, highestAssignedUID: highest, matchedThrough: matched)
    }

    @Test func exactLogReportsLoggedRequestedUIDsNotInView() {
        let plan = planner([1...10], since: 5, floor: 0)
        let logged: [(uid: UInt32, modSeq: UInt64)] = [(3, 6), (4, 7), (12, 8), (9, 9)]
        // 9 is still in the view (its expunge not yet announced): never EARLIER.
        #expect(plan.vanished(logged: logged, present: [1, 2, 5, 9, 13])?.description == "3:4")
        #expect(plan.vanished(logged: [], present: [1]) == nil)
    }

    @Test func prunedLogReportsEveryMissingRequestedUID() {
        let plan = planner([1...8, 15...30], since: 5, floor: 10)
        #expect(plan.vanished(logged: [], present: [2, 3, 7, 8, 16]).map(\.description) == "1,4:6,15,17:20")
        // Nothing present: whole ranges, clamped to the highest UID ever assigned.
        #expect(plan.vanished(logged: [], present: []).map(\.description) == "1:8,15:20")
        // Sequence match data: UIDs up to the last matching pair are known to be in sync.
        let matched = planner([1...8], since: 5, floor: 10, matched: 4)
        #expect(matched.vanished(logged: [], present: [2, 3, 7, 8]).map(\.description) == "5:6")
    }

    @Test func sequenceMatchStopsAtTheFirstMismatch() {
        let mailbox = Mailbox(id: 1, accountID: 1, name: "INBOX", uidValidity: 1, uidNext: 30, highestModSeq: 1,
                              specialUse: nil, subscribed: true, messageCount: 4, unseenCount: 0, totalBytes: 0)
        let index = [3, 8, 24, 25].map { MessageIndexEntry(uid: $0, modSeq: 1, flags: []) }
        let view = SelectedMailbox(mailbox: mailbox, readOnly: true, index: index, generation: 0)
        // RFC 7162 §3.2.5.2: pairs 2→8 and 3→24 match this view, 4→26 does not (it holds 25).
        let match = IMAPSelectParameters.QResync.SequenceMatch(sequenceNumbers: .ranges([.init(.number(2)), .init(.number(3), .number(4))]),
                                                               uids: .ranges([.init(.number(8)), .init(.number(24)), .init(.number(26))]))
        #expect(view.matchedThrough(match) == 24)
        let first = IMAPSelectParameters.QResync.SequenceMatch(sequenceNumbers: .single(1), uids: .single(2))
        #expect(view.matchedThrough(first) == 0)
    }
}
