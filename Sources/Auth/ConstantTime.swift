// Comparison whose running time does not depend on where two secrets first differ.

enum ConstantTime {
    /// True when `lhs` and `rhs` are equal. Looks at every byte of the longer one, so the time
    /// reveals at most the lengths, never the position of the first difference.
    static func equals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: lhs.count ^ rhs.count)
        difference |= lhs.count == rhs.count ? 0 : 1
        let length = max(lhs.count, rhs.count)
        for index in 0..<length {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}
