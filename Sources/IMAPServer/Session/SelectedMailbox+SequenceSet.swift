// Sequence sets and UID sets against the session's view (RFC 9051 §9 `sequence-set`, §6.4.8).

extension SelectedMailbox {
    /// The UIDs a set designates, ascending and without repeats. Nil when a message sequence
    /// number lies beyond the mailbox (RFC 9051 §9 "seq-number": the server responds BAD); UIDs
    /// that do not exist are simply not there (§6.4.8).
    func resolve(_ set: IMAPSequenceSet, byUID: Bool, saved: [UInt32]?) -> [UInt32]? {
        switch set {
        case .lastCommand:
            // RFC 5182 §2.1: `$` is the saved result (UIDs), minus what has been expunged since.
            return (saved ?? []).filter { sequenceNumber(ofUID: $0) != nil }
        case .ranges(let ranges):
            // One range (`1:*`, the message list of a large mailbox) is a slice of the sorted
            // UIDs: no set of 10,000 entries to build and sort.
            if ranges.count == 1, let single = ranges.first {
                if byUID {
                    guard !uids.isEmpty else { return [] }
                    let first = value(of: single.first, last: highestUID), last = value(of: single.last, last: highestUID)
                    let start = insertionIndex(of: min(first, last))
                    var end = insertionIndex(of: max(first, last))
                    if end < uids.count, uids[end] == max(first, last) { end += 1 }
                    return Array(uids[start..<max(start, end)])
                }
                let first = value(of: single.first, last: count), last = value(of: single.last, last: count)
                let low = min(first, last), high = max(first, last)
                if count == 0, single.first == .last || single.last == .last { return [] }
                guard low >= 1, high <= count else { return nil }
                return Array(uids[(Int(low) - 1)..<Int(high)])
            }
            var picked = Set<UInt32>()
            for range in ranges {
                if byUID {
                    let first = value(of: range.first, last: highestUID)
                    let last = value(of: range.last, last: highestUID)
                    let low = min(first, last), high = max(first, last)
                    guard !uids.isEmpty else { continue }
                    let start = insertionIndex(of: low)
                    var index = start
                    while index < uids.count, uids[index] <= high {
                        picked.insert(uids[index])
                        index += 1
                    }
                } else {
                    let first = value(of: range.first, last: count)
                    let last = value(of: range.last, last: count)
                    let low = min(first, last), high = max(first, last)
                    if count == 0, range.first == .last || range.last == .last { continue }
                    guard low >= 1, high <= count else { return nil }
                    for number in low...high { picked.insert(uids[Int(number) - 1]) }
                }
            }
            return picked.sorted()
        }
    }

    /// At least as many messages as `resolve` would pick (ranges that overlap count twice), found
    /// without building the list: O(ranges · log n), for deciding whether a command is long before
    /// running it (`IMAPSession.leavesEventLoop`).
    func coveredCount(_ set: IMAPSequenceSet, byUID: Bool, saved: [UInt32]?) -> Int {
        switch set {
        case .lastCommand:
            return saved?.count ?? 0
        case .ranges(let ranges):
            var total = 0
            for range in ranges {
                let limit = byUID ? highestUID : count
                let first = value(of: range.first, last: limit), last = value(of: range.last, last: limit)
                let low = min(first, last), high = max(first, last)
                if byUID {
                    let start = insertionIndex(of: low)
                    let end = high == .max ? uids.count : insertionIndex(of: high + 1)
                    total += max(0, end - start)
                } else {
                    // Numbers beyond the mailbox make the command a BAD: clamp, it will not run long.
                    total += low > count ? 0 : Int(min(high, count)) - Int(max(low, 1)) + 1
                }
            }
            return total
        }
    }

    private func value(of bound: IMAPSequenceSet.Bound, last: UInt32) -> UInt32 {
        switch bound {
        case .number(let number): return number
        case .last: return last
        }
    }

    /// The index of the first UID ≥ `uid`.
    private func insertionIndex(of uid: UInt32) -> Int {
        var low = 0
        var high = uids.count
        while low < high {
            let middle = (low + high) / 2
            if uids[middle] < uid { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
