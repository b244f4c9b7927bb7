// The single-criterion SORT path against the generic sorter (RFC 5256 §3): same order on
// tables with ties, REVERSE, missing keys and equal keys.

import Foundation
@testable import IMAPServer
import MailMessage
import MailStore
import Testing

@Suite("SORT single-criterion path")
struct IMAPSingleKeySorterTests {
    /// A message as the store hands it: the record (keys nil: nothing stored) and its fallback.
    struct Input {
        var sequenceNumber: UInt32
        var record: MessageSortRecord
        var fallback: MessageSortKeys?
    }

    static func keys(subject: String = "", from: String = "", to: String = "", cc: String = "",
                     display: String = "", sent: Double? = nil) -> MessageSortKeys {
        MessageSortKeys(sentDate: sent.map(Date.init(timeIntervalSince1970:)), subject: SortCollation.key(BaseSubject(subject).text),
                        from: SortCollation.key(from), to: SortCollation.key(to), cc: SortCollation.key(cc),
                        displayFrom: SortCollation.key(display), displayTo: SortCollation.key(to))
    }

    static func input(_ seq: UInt32, uid: UInt32? = nil, arrival: Double, size: Int, _ keys: MessageSortKeys?,
                      fallback: MessageSortKeys? = nil) -> Input {
        Input(sequenceNumber: seq,
              record: MessageSortRecord(uid: uid ?? seq * 3, internalDate: Date(timeIntervalSince1970: arrival),
                                        size: size, keys: keys),
              fallback: fallback)
    }

    /// Ties on every key, a missing Date (internal date used), rows without keys (with and
    /// without a fallback), empty keys and keys that are prefixes of others.
    static let table: [Input] = [
        input(1, arrival: 50, size: 10, keys(subject: "beta", from: "bob", to: "x", cc: "c", display: "Bob", sent: 40)),
        input(2, arrival: 40, size: 10, keys(subject: "Re: beta", from: "bob", to: "", cc: "c", display: "bob", sent: 40)),
        input(3, arrival: 40, size: 5, keys(subject: "", from: "", to: "xy", cc: "", display: "", sent: nil)),
        input(4, arrival: 30, size: 20, nil, fallback: keys(subject: "alpha", from: "al", to: "x", sent: 50)),
        input(5, arrival: 60, size: 5, nil),
        input(6, arrival: 40, size: 20, keys(subject: "Fwd: alpha", from: "alan", to: "x", cc: "cc", display: "Al", sent: 40)),
        input(7, arrival: 10, size: 10, keys(subject: "beta", from: "bob", to: "x", cc: "c", display: "Bob", sent: 40)),
    ]

    /// A larger table from a fixed-seed generator over small alphabets, so most keys collide.
    static let generated: [Input] = {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let words = ["", "a", "ab", "abc", "b", "Re: a", "B", "zz"]
        return (1...300).map { seq -> Input in
            let stored = next(10) != 0
            let keys = keys(subject: words[next(words.count)], from: words[next(words.count)], to: words[next(words.count)],
                            cc: words[next(words.count)], display: words[next(words.count)],
                            sent: next(4) == 0 ? nil : Double(next(5)))
            return input(UInt32(seq), uid: UInt32(seq * 2 + next(2)), arrival: Double(next(6)), size: next(4),
                         stored ? keys : nil, fallback: next(2) == 0 ? keys : nil)
        }
    }()

    static let criteria: [IMAPSortCriterion] = IMAPSortKey.allCases.flatMap {
        [IMAPSortCriterion($0), IMAPSortCriterion($0, reverse: true)]
    }

    static func generic(_ inputs: [Input], _ criterion: IMAPSortCriterion, byUID: Bool) -> [UInt32] {
        let messages = inputs.map { SortableMessage(sequenceNumber: $0.sequenceNumber, record: $0.record, keys: $0.fallback) }
        return IMAPSorter.sort(messages, by: [criterion]).map { byUID ? $0.uid : $0.sequenceNumber }
    }

    static func fast(_ inputs: [Input], _ criterion: IMAPSortCriterion, byUID: Bool) -> [UInt32] {
        var sorter = IMAPSingleKeySorter(criterion: criterion, capacity: inputs.count)
        for input in inputs {
            sorter.append(sequenceNumber: input.sequenceNumber, record: input.record, fallback: input.fallback)
        }
        // The session's path: one sort, both numberings (what the SORT cache keeps).
        return sorter.sortedOrder().numbers(byUID: byUID)
    }

    @Test(arguments: criteria, [false, true])
    func matchesTheGenericSorter(_ criterion: IMAPSortCriterion, _ byUID: Bool) {
        #expect(Self.fast(Self.table, criterion, byUID: byUID) == Self.generic(Self.table, criterion, byUID: byUID))
        #expect(Self.fast(Self.generated, criterion, byUID: byUID) == Self.generic(Self.generated, criterion, byUID: byUID))
        // Fed in another order, the output is the same: only sequence numbers break ties.
        #expect(Self.fast(Self.generated.reversed(), criterion, byUID: byUID)
            == Self.generic(Self.generated, criterion, byUID: byUID))
    }

    /// Known answers on the small table, so both paths cannot be wrong together.
    @Test(arguments: [
        (IMAPSortCriterion(.date), [1, 2, 3, 6, 7, 4, 5] as [UInt32]),          // 3: no Date, arrival 40
        (IMAPSortCriterion(.date, reverse: true), [5, 4, 1, 2, 3, 6, 7]),       // ties stay in sequence order
        (IMAPSortCriterion(.size), [3, 5, 1, 2, 7, 4, 6]),
        (IMAPSortCriterion(.subject), [3, 5, 4, 6, 1, 2, 7]),                   // empty first; base subjects
        (IMAPSortCriterion(.from), [3, 5, 4, 6, 1, 2, 7]),                      // "al" < "alan"
        (IMAPSortCriterion(.from, reverse: true), [1, 2, 7, 6, 4, 3, 5]),
    ] as [(IMAPSortCriterion, [UInt32])])
    func knownOrders(_ criterion: IMAPSortCriterion, _ expected: [UInt32]) {
        #expect(Self.fast(Self.table, criterion, byUID: false) == expected)
    }

    @Test func emptyInputSortsToNothing() {
        #expect(IMAPSingleKeySorter(criterion: IMAPSortCriterion(.subject)).sortedOrder()
                == IMAPSortOrder(uids: [], sequenceNumbers: []))
    }
}
