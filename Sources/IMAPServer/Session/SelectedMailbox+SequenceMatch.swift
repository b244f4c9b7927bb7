// QRESYNC sequence match data (RFC 7162 §3.2.5.2) checked against the session's view.

extension SelectedMailbox {
    /// The highest UID up to which the client's (sequence number, UID) pairs agree with this view:
    /// pairs are taken in order while they match; the first mismatch ends the walk. 0 when the
    /// first pair already differs. Work is bounded by the view's size, whatever the sets say.
    func matchedThrough(_ match: IMAPSelectParameters.QResync.SequenceMatch) -> UInt32 {
        guard case .ranges(let numberRanges) = match.sequenceNumbers,
              case .ranges(let uidRanges) = match.uids else { return 0 }
        // Both sets are in ascending order (§3.2.5.2), so merged ranges keep the pairing.
        let numbers = SearchNumberSet(numberRanges, largest: count).ranges
        let uidList = SearchNumberSet(uidRanges, largest: highestUID).ranges
        var numberCursor = RangeCursor(numberRanges: numbers)
        var uidCursor = RangeCursor(numberRanges: uidList)
        var matched: UInt32 = 0
        var steps = 0
        while steps < uids.count, let number = numberCursor.next(), let uid = uidCursor.next() {
            steps += 1
            guard self.uid(atSequenceNumber: number) == uid else { break }
            matched = uid
        }
        return matched
    }
}

/// Walks sorted closed ranges one number at a time.
private struct RangeCursor {
    let numberRanges: [ClosedRange<UInt32>]
    var rangeIndex = 0
    var nextValue: UInt32?

    init(numberRanges: [ClosedRange<UInt32>]) {
        self.numberRanges = numberRanges
        self.nextValue = numberRanges.first?.lowerBound
    }

    mutating func next() -> UInt32? {
        guard let value = nextValue else { return nil }
        if value < numberRanges[rangeIndex].upperBound {
            nextValue = value + 1
        } else {
            rangeIndex += 1
            nextValue = rangeIndex < numberRanges.count ? numberRanges[rangeIndex].lowerBound : nil
        }
        return value
    }
}
