// Which UIDs a QRESYNC client is told are gone, as VANISHED (EARLIER) (RFC 7162 §3.2.5, §3.2.6).
// Pure: the session hands in what the store said and what its view holds.

import MailStore

/// Works out the UID set of a `* VANISHED (EARLIER)` answer for SELECT (QRESYNC ...) or
/// UID FETCH ... (CHANGEDSINCE n VANISHED). A value type so each rule is tested on its own.
struct VanishedPlanner {
    /// The UIDs the client asked about (known-uids, or the UID FETCH set).
    let requested: SearchNumberSet
    /// The client's mod-sequence.
    let sinceModSeq: UInt64
    /// The MODSEQ below which the store's expunge log is incomplete (pruned).
    let logFloor: UInt64
    /// Every UID ever assigned in the mailbox is at most this (UIDNEXT − 1).
    let highestAssignedUID: UInt32
    /// UIDs at or below this are known to the client to be in sync (sequence match data,
    /// §3.2.5.2); 0 when none. Applies only when the log is incomplete.
    let matchedThrough: UInt32

    /// The UIDs to report, nil when there are none. `logged` is the store's expunge log since
    /// `sinceModSeq`; `present` is the session's view, ascending (a UID still in it is reported
    /// later as a plain VANISHED that also renumbers, never as EARLIER).
    func vanished(logged: [(uid: UInt32, modSeq: UInt64)], present: [UInt32]) -> IMAPSequenceSet? {
        if sinceModSeq >= logFloor {
            let inView = Set(present)
            return IMAPSequenceSet(compacting: logged.lazy.map(\.uid).filter { requested.contains($0) && !inView.contains($0) })
        }
        // §3.2.6 <minmodseq>: the log no longer reaches back that far, so every requested UID that
        // is not in the mailbox is reported; UIDs never assigned are left out (they never existed).
        // Work is bounded by the ranges and the present UIDs, never by the width of a range.
        var gaps: [IMAPSequenceSet.Range] = []
        guard matchedThrough < UInt32.max else { return nil }
        let floor = matchedThrough + 1
        for range in requested.ranges {
            let low = max(range.lowerBound, floor)
            let high = min(range.upperBound, highestAssignedUID)
            guard low <= high else { continue }
            // `start`: the lowest UID of the range not yet classified; nil once past `high`.
            var start: UInt32? = low
            var index = Self.firstIndex(in: present, atLeast: low)
            while let next = start, index < present.count, present[index] <= high {
                let uid = present[index]
                if uid > next { gaps.append(Self.range(next, uid - 1)) }
                start = uid < high ? uid + 1 : nil
                index += 1
            }
            if let next = start { gaps.append(Self.range(next, high)) }
        }
        return gaps.isEmpty ? nil : .ranges(gaps)
    }

    private static func firstIndex(in sorted: [UInt32], atLeast value: UInt32) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func range(_ low: UInt32, _ high: UInt32) -> IMAPSequenceSet.Range {
        low == high ? .init(.number(low)) : .init(.number(low), .number(high))
    }
}
