// The session's cache of SORT ... ALL orders (issue 8): a hit only for the same mailbox, the same
// criteria and exactly the same UIDs; bounded; and the SORT number list encoded as before.

import MailStore
import NIOCore
import Testing
@testable import IMAPServer

@Suite("SORT order cache")
struct IMAPSortCacheTests {
    static func mailbox(_ id: MailboxID, validity: UInt32 = 7) -> Mailbox {
        Mailbox(id: id, accountID: 1, name: "INBOX", uidValidity: validity, uidNext: 100, highestModSeq: 1,
                specialUse: nil, subscribed: true, messageCount: 0, unseenCount: 0, totalBytes: 0)
    }

    static let date = [IMAPSortCriterion(.date)]
    static let order = IMAPSortOrder(uids: [30, 10, 20], sequenceNumbers: [3, 1, 2])

    @Test("a hit needs the same mailbox, UIDVALIDITY, criteria and UIDs")
    func hitsAndMisses() {
        var cache = IMAPSortCache()
        #expect(cache.order(mailbox: Self.mailbox(1), criteria: Self.date, uids: [10, 20, 30]) == nil)
        cache.remember(mailbox: Self.mailbox(1), criteria: Self.date, uids: [10, 20, 30], order: Self.order)
        #expect(cache.order(mailbox: Self.mailbox(1), criteria: Self.date, uids: [10, 20, 30]) == Self.order)
        #expect(cache.order(mailbox: Self.mailbox(1), criteria: Self.date, uids: [10, 20, 31]) == nil)
        #expect(cache.order(mailbox: Self.mailbox(1), criteria: Self.date, uids: [10, 20]) == nil)
        #expect(cache.order(mailbox: Self.mailbox(1), criteria: Self.date, uids: [10, 20, 30, 40]) == nil)
        #expect(cache.order(mailbox: Self.mailbox(2), criteria: Self.date, uids: [10, 20, 30]) == nil)
        #expect(cache.order(mailbox: Self.mailbox(1, validity: 8), criteria: Self.date, uids: [10, 20, 30]) == nil)
        #expect(cache.order(mailbox: Self.mailbox(1), criteria: [IMAPSortCriterion(.date, reverse: true)],
                            uids: [10, 20, 30]) == nil)
        #expect(cache.order(mailbox: Self.mailbox(1), criteria: [IMAPSortCriterion(.date), IMAPSortCriterion(.size)],
                            uids: [10, 20, 30]) == nil)
    }

    @Test("bounded: the least recently used order goes first; another view drops the old ones")
    func bounded() {
        var cache = IMAPSortCache()
        let keys: [IMAPSortKey] = [.date, .arrival, .size, .subject, .from]
        for key in keys.prefix(4) {
            cache.remember(mailbox: Self.mailbox(1), criteria: [IMAPSortCriterion(key)], uids: [10, 20, 30], order: Self.order)
        }
        #expect(cache.order(mailbox: Self.mailbox(1), criteria: Self.date, uids: [10, 20, 30]) != nil)  // now most recent
        cache.remember(mailbox: Self.mailbox(1), criteria: [IMAPSortCriterion(.from)], uids: [10, 20, 30], order: Self.order)
        #expect(cache.count == IMAPSortCache.capacity)
        #expect(cache.order(mailbox: Self.mailbox(1), criteria: [IMAPSortCriterion(.arrival)], uids: [10, 20, 30]) == nil)
        #expect(cache.order(mailbox: Self.mailbox(1), criteria: Self.date, uids: [10, 20, 30]) != nil)
        cache.remember(mailbox: Self.mailbox(1), criteria: Self.date, uids: [10, 20], order: Self.order)
        #expect(cache.count == 1)
        cache.remember(mailbox: Self.mailbox(2), criteria: Self.date, uids: [10, 20], order: Self.order)
        #expect(cache.count == 1)
        #expect(cache.order(mailbox: Self.mailbox(2), criteria: Self.date, uids: [10, 20]) == Self.order)
    }

    @Test("the SORT number list is written as decimal digits, as string interpolation did",
          arguments: [[], [0], [1, 9, 10, 99, 100, 12345], [UInt32.max, 4_000_000_000, 1_000_000_000, 7]] as [[UInt32]])
    func numberList(numbers: [UInt32]) {
        var buffer = ByteBuffer()
        IMAPResponseEncoder.writeNumberList(numbers, into: &buffer)
        #expect(String(buffer: buffer) == numbers.map { " \($0)" }.joined())
    }
}
