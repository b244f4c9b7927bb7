// A sequence set or UID set resolved against the mailbox once per SEARCH, so that each message
// is tested with a binary search instead of a walk over up to 10,000 client ranges.

/// Sorted, non-overlapping closed ranges of message numbers or UIDs.
struct SearchNumberSet: Sendable, Equatable {
    private(set) var ranges: [ClosedRange<UInt32>]

    /// `largest` is the value of `*`: the highest sequence number or UID in the mailbox
    /// (RFC 9051 §9: "*" is the largest number in use; "4:2" equals "2:4").
    init(_ ranges: [IMAPSequenceSet.Range], largest: UInt32) {
        var resolved = ranges.map { range -> ClosedRange<UInt32> in
            let first = Self.value(range.first, largest: largest)
            let last = Self.value(range.last, largest: largest)
            return min(first, last)...max(first, last)
        }
        resolved.sort { $0.lowerBound < $1.lowerBound }
        self.ranges = Self.merged(resolved)
    }

    /// The SEARCHRES result `$` (RFC 5182 §2.1): a list of UIDs.
    init(numbers: [UInt32]) {
        self.ranges = Self.merged(numbers.sorted().map { $0...$0 })
    }

    func contains(_ number: UInt32) -> Bool {
        var low = 0
        var high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < number {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low < ranges.count && ranges[low].contains(number)
    }

    private static func value(_ bound: IMAPSequenceSet.Bound, largest: UInt32) -> UInt32 {
        switch bound {
        case .number(let number): return number
        case .last: return largest
        }
    }

    /// Joins overlapping and adjacent ranges of a list sorted by lower bound. (`last.upperBound + 1`
    /// is evaluated only when `range.lowerBound > last.upperBound`, so it cannot overflow.)
    private static func merged(_ sorted: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var result: [ClosedRange<UInt32>] = []
        result.reserveCapacity(sorted.count)
        for range in sorted {
            if let last = result.last, range.lowerBound <= last.upperBound || range.lowerBound == last.upperBound + 1 {
                result[result.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }
}
