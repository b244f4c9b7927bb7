// Sets of message sequence numbers or UIDs: "2,4:7,9,12:*" and the SEARCHRES marker "$".

/// A sequence set as the client wrote it (RFC 9051 §9 `sequence-set`). Ranges are kept in the
/// client's order and orientation; `*` stays symbolic because its value depends on the mailbox.
public enum IMAPSequenceSet: Sendable, Hashable, CustomStringConvertible {
    /// One end of a range: a number or `*` (the largest number in use).
    public enum Bound: Sendable, Hashable {
        case number(UInt32)
        case last
    }

    /// `seq-range`: both ends included, "regardless of order" (4:2 equals 2:4).
    public struct Range: Sendable, Hashable {
        public var first: Bound
        public var last: Bound

        public init(_ first: Bound, _ last: Bound) {
            self.first = first
            self.last = last
        }

        public init(_ single: Bound) { self.init(single, single) }
    }

    case ranges([Range])
    /// `$`: the result saved by the previous SEARCH ... RETURN (SAVE) (RFC 5182 §2.1).
    case lastCommand

    /// Convenience for code and tests: `.single(5)`, `.range(1, 4)`.
    public static func single(_ number: UInt32) -> IMAPSequenceSet { .ranges([Range(.number(number))]) }
    public static func range(_ first: UInt32, _ last: UInt32) -> IMAPSequenceSet {
        .ranges([Range(.number(first), .number(last))])
    }

    /// The wire form ("1:4,7,9:*"), used by the encoder for COPYUID, ESEARCH ALL and VANISHED.
    public var description: String {
        switch self {
        case .lastCommand: return "$"
        case .ranges(let ranges):
            return ranges.map { range in
                range.first == range.last ? Self.text(range.first) : "\(Self.text(range.first)):\(Self.text(range.last))"
            }.joined(separator: ",")
        }
    }

    private static func text(_ bound: Bound) -> String {
        switch bound {
        case .number(let number): return String(number)
        case .last: return "*"
        }
    }
}

extension IMAPParseCursor {
    // sequence-set    = (seq-number / seq-range) ["," sequence-set]
    // sequence-set    =/ seq-last-command
    // seq-last-command   = "$"                                           (RFC 9051 §9)
    mutating func parseSequenceSet() throws(IMAPParseError) -> IMAPSequenceSet {
        if consume(UInt8(ascii: "$")) { return .lastCommand }
        var ranges: [IMAPSequenceSet.Range] = []
        repeat {
            guard ranges.count < limits.maxSequenceSetElements else {
                throw error("sequence set with more than \(limits.maxSequenceSetElements) elements", .limitExceeded)
            }
            ranges.append(try parseSeqRange())
        } while consume(UInt8(ascii: ","))
        return .ranges(ranges)
    }

    // seq-range       = seq-number ":" seq-number                        (RFC 9051 §9)
    mutating func parseSeqRange() throws(IMAPParseError) -> IMAPSequenceSet.Range {
        let first = try parseSeqNumber()
        guard consume(UInt8(ascii: ":")) else { return IMAPSequenceSet.Range(first) }
        return IMAPSequenceSet.Range(first, try parseSeqNumber())
    }

    // seq-number      = nz-number / "*"                                  (RFC 9051 §9)
    mutating func parseSeqNumber() throws(IMAPParseError) -> IMAPSequenceSet.Bound {
        if consume(UInt8(ascii: "*")) { return .last }
        guard let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
            throw invalidCharacterError(expected: "a sequence number or \"*\"")
        }
        return .number(try parseNZNumber())
    }
}
