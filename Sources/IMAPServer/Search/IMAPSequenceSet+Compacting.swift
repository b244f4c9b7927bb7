// Sequence sets built by the server (ESEARCH ALL), as opposed to the ones clients send.

extension IMAPSequenceSet {
    /// The shortest sequence set listing `numbers` ("1:3,5" for 1 2 3 5), for ESEARCH ALL
    /// (RFC 4731 §3.1 uses sequence-set syntax); nil when there are none (ALL is then omitted).
    public init?(compacting numbers: some Sequence<UInt32>) {
        let sorted = numbers.sorted()
        guard var start = sorted.first else { return nil }
        var ranges: [Range] = []
        var end = start
        for number in sorted.dropFirst() where number != end {
            if number == end + 1 {   // number > end here, so end + 1 cannot overflow
                end = number
            } else {
                ranges.append(start == end ? Range(.number(start)) : Range(.number(start), .number(end)))
                start = number
                end = number
            }
        }
        ranges.append(start == end ? Range(.number(start)) : Range(.number(start), .number(end)))
        self = .ranges(ranges)
    }
}
