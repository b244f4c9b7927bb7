// SORT's ordering over precomputed keys (RFC 5256 §3, RFC 5957 §4).

import Foundation
import IMAPServer
import MailMessage
import Testing

@Suite("SORT ordering")
struct IMAPSorterTests {
    static func message(_ seq: UInt32, subject: String = "", from: String = "", to: String = "", cc: String = "",
                        displayFrom: String = "", sent: Double = 0, arrival: Double = 0, size: Int = 0) -> SortableMessage {
        SortableMessage(sequenceNumber: seq, uid: seq + 100, arrival: Date(timeIntervalSince1970: arrival),
                        sentDate: Date(timeIntervalSince1970: sent), size: size,
                        fromKey: SortCollation.key(from), toKey: SortCollation.key(to), ccKey: SortCollation.key(cc),
                        displayFromKey: SortCollation.key(displayFrom), subject: subject)
    }

    static let messages = [
        message(1, subject: "Re: beta", from: "zoe", to: "b", cc: "", displayFrom: "Zoe", sent: 30, arrival: 3, size: 500),
        message(2, subject: "alpha", from: "Adam", to: "a", cc: "x", displayFrom: "adam", sent: 10, arrival: 2, size: 100),
        message(3, subject: "Fwd: Alpha", from: "bob", to: "", cc: "y", displayFrom: "Bob", sent: 10, arrival: 1, size: 300),
        message(4, subject: "", from: "", to: "c", cc: "", displayFrom: "", sent: 20, arrival: 4, size: 100),
    ]

    @Test(arguments: [
        ([IMAPSortCriterion(.arrival)], [3, 2, 1, 4]),
        ([IMAPSortCriterion(.date)], [2, 3, 4, 1]),                       // 2 and 3 tie: sequence order
        ([IMAPSortCriterion(.date, reverse: true)], [1, 4, 2, 3]),        // REVERSE keeps the implicit tie order
        ([IMAPSortCriterion(.size)], [2, 4, 3, 1]),
        ([IMAPSortCriterion(.subject)], [4, 2, 3, 1]),                    // empty first; "alpha" = "Fwd: Alpha"
        ([IMAPSortCriterion(.subject), IMAPSortCriterion(.arrival)], [4, 3, 2, 1]),
        ([IMAPSortCriterion(.subject, reverse: true), IMAPSortCriterion(.date, reverse: true)], [1, 2, 3, 4]),
        ([IMAPSortCriterion(.from)], [4, 2, 3, 1]),                       // case-insensitive: Adam < bob
        ([IMAPSortCriterion(.to)], [3, 2, 1, 4]),
        ([IMAPSortCriterion(.cc)], [1, 4, 2, 3]),
        ([IMAPSortCriterion(.displayFrom)], [4, 2, 3, 1]),
    ] as [([IMAPSortCriterion], [UInt32])])
    func orders(_ criteria: [IMAPSortCriterion], _ expected: [UInt32]) {
        #expect(IMAPSorter.sort(Self.messages, by: criteria).map(\.sequenceNumber) == expected)
    }
}
