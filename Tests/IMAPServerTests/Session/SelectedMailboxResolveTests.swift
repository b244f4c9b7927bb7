// `SelectedMailbox.resolve`: one range (`1:*`, the message list) is answered as a slice of the
// sorted UIDs; it must pick exactly what the general path (several ranges) picks.

@testable import IMAPServer
import MailStore
import Testing

@Suite struct SelectedMailboxResolveTests {
    static func view(_ uids: [UInt32]) -> SelectedMailbox {
        let mailbox = Mailbox(id: 1, accountID: 1, name: "INBOX", uidValidity: 1, uidNext: 100, highestModSeq: 1,
                              specialUse: nil, subscribed: true, messageCount: uids.count, unseenCount: 0, totalBytes: 0)
        return SelectedMailbox(mailbox: mailbox, readOnly: true,
                               index: uids.map { MessageIndexEntry(uid: $0, modSeq: 1, flags: []) }, generation: 0)
    }

    static let bounds: [IMAPSequenceSet.Bound] = [.number(1), .number(2), .number(3), .number(5), .number(8),
                                                  .number(9), .number(40), .number(41), .number(99), .last]

    @Test(arguments: [[], [3], [3, 8, 9, 40], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]] as [[UInt32]])
    func oneRangeResolvesAsTheGeneralPathDoes(_ uids: [UInt32]) {
        let view = Self.view(uids)
        for first in Self.bounds {
            for last in Self.bounds {
                let range = IMAPSequenceSet.Range(first, last)
                for byUID in [true, false] {
                    // The same range twice takes the general path (a set of both).
                    let general = view.resolve(.ranges([range, range]), byUID: byUID, saved: nil)
                    #expect(view.resolve(.ranges([range]), byUID: byUID, saved: nil) == general,
                            "\(range) byUID \(byUID) in \(uids)")
                }
            }
        }
    }
}
