// Which messages one RETR reads ahead, and what the session then answers from memory; no channel.

import MailStore
import NIOCore
import Testing
@testable import POP3Server

@Suite struct POP3ReadAheadTests {
    static let small = POP3ReadAhead.Configuration(messageSizeLimit: 1000, byteBudget: 2500, countLimit: 4)

    /// UIDs of the planned batch for RETR `number` (UIDs are 10, 11, … in maildrop order).
    static func plannedUIDs(sizes: [Int], retr number: Int, deleted: [Int] = [],
                            configuration: POP3ReadAhead.Configuration = small) -> [UInt32] {
        var maildrop = POP3SessionStateMachineTests.maildrop(sizes: sizes)
        for gone in deleted { maildrop.markDeleted(gone) }
        guard let entry = maildrop.entry(number) else { return [] }
        return POP3ReadAhead(configuration: configuration).plan(for: entry, in: maildrop).map(\.uid)
    }

    @Test(arguments: [
        // sizes, RETR number, deleted numbers, expected UIDs
        ([100, 100, 100], 1, [Int](), [UInt32]([10, 11, 12])),
        ([100, 100, 100], 3, [], [12]),                        // the last message: itself only
        ([100, 5000, 100], 1, [], [10]),                       // stops before a message to stream
        ([5000, 100, 100], 1, [], []),                         // a large message is streamed, not read
        ([100, 100, 100, 100], 1, [2, 3], [10, 13]),           // deleted messages are skipped
        ([900, 900, 900, 100], 1, [], [10, 11]),               // the byte budget, the first included
        ([10, 10, 10, 10, 10, 10], 2, [], [11, 12, 13, 14]),   // the count limit
        ([999, 1000], 1, [], [10]),                            // the size limit is exclusive
    ])
    func batchFollowsTheMaildropOrder(sizes: [Int], retr: Int, deleted: [Int], expected: [UInt32]) {
        #expect(Self.plannedUIDs(sizes: sizes, retr: retr, deleted: deleted) == expected)
    }

    /// Stand-ins for rendered answers: one byte naming the message.
    static func answers(_ bytes: [UInt8]) -> [POP3PreparedAnswers.Answer] {
        bytes.map { .init(bytes: ByteBuffer(bytes: [$0]), octets: 1) }
    }

    static func byte(_ answer: POP3PreparedAnswers.Answer?) -> UInt8? {
        answer?.bytes.getInteger(at: answer?.bytes.readerIndex ?? 0)
    }

    @Test func keptMessagesAreHandedOverOnceAndTheAskedOneIsNotKept() {
        let maildrop = POP3SessionStateMachineTests.maildrop(sizes: [100, 100, 100])
        var readAhead = POP3ReadAhead(configuration: Self.small)
        let batch = readAhead.plan(for: maildrop.entries[0], in: maildrop)
        readAhead.keep(batch, answers: Self.answers([1, 2, 3]))
        #expect(readAhead.count == 2)
        #expect(readAhead.take(uid: 10) == nil)
        #expect(Self.byte(readAhead.take(uid: 11)) == 2)
        #expect(readAhead.take(uid: 11) == nil)
        #expect(Self.byte(readAhead.take(uid: 12)) == 3)
        #expect(readAhead.count == 0)
    }

    @Test func aNewBatchReplacesTheOldOne() {
        let maildrop = POP3SessionStateMachineTests.maildrop(sizes: [100, 100, 100, 100])
        var readAhead = POP3ReadAhead(configuration: Self.small)
        readAhead.keep(readAhead.plan(for: maildrop.entries[0], in: maildrop), answers: Self.answers([1, 2, 3, 4]))
        readAhead.keep(readAhead.plan(for: maildrop.entries[2], in: maildrop), answers: Self.answers([3, 4]))
        #expect(readAhead.count == 1)
        #expect(readAhead.take(uid: 11) == nil)
        #expect(Self.byte(readAhead.take(uid: 13)) == 4)
    }

    @Test func offeredAnswersAreTheLiveHeldMessagesByNumber() {
        var maildrop = POP3SessionStateMachineTests.maildrop(sizes: [100, 100, 100, 100])
        var readAhead = POP3ReadAhead(configuration: Self.small)
        readAhead.keep(readAhead.plan(for: maildrop.entries[0], in: maildrop), answers: Self.answers([1, 2, 3, 4]))
        maildrop.markDeleted(3)
        var table = readAhead.answers(in: maildrop)
        #expect(table.count == 2)
        #expect(table.take(number: 1) == nil)    // the one being answered is not held
        #expect(table.take(number: 3) == nil)    // deleted: RFC 1939 §5
        #expect(Self.byte(table.take(number: 2)) == 2)
        #expect(Self.byte(table.take(number: 4)) == 4)
        maildrop.unmarkAll()
        #expect(readAhead.answers(in: maildrop).count == 3)
    }

    @Test(arguments: [
        // sizes, RETR number, deleted numbers, expected UIDs of the batch read meanwhile
        ([5000, 100, 100], 1, [Int](), [UInt32]([11, 12])),   // a large one: the small ones after it
        ([5000, 100, 100], 1, [2], [12]),                    // from the next live one
        ([100, 100, 100], 1, [], []),                        // a small one reads its own batch
        ([5000, 5000, 100], 1, [], []),                      // the next one is streamed too
        ([100, 5000], 2, [], []),                            // the last message
    ])
    func batchReadWhileALargeMessageIsSent(sizes: [Int], retr: Int, deleted: [Int], expected: [UInt32]) {
        var maildrop = POP3SessionStateMachineTests.maildrop(sizes: sizes)
        for gone in deleted { maildrop.markDeleted(gone) }
        let readAhead = POP3ReadAhead(configuration: Self.small)
        #expect(readAhead.batch(after: maildrop.entries[retr - 1], in: maildrop).map(\.uid) == expected)
    }

    @Test func disabledAfterAFailedBatch() {
        let maildrop = POP3SessionStateMachineTests.maildrop(sizes: [100, 100])
        var readAhead = POP3ReadAhead(configuration: Self.small)
        readAhead.keep(readAhead.plan(for: maildrop.entries[0], in: maildrop), answers: Self.answers([1, 2]))
        readAhead.disable()
        #expect(readAhead.take(uid: 11) == nil)
        #expect(readAhead.plan(for: maildrop.entries[0], in: maildrop).isEmpty)
    }

    @Test(arguments: [(UInt32(10), 0), (12, 2), (14, 3), (16, 4), (9, nil), (13, nil), (15, nil), (17, nil)]
          as [(UInt32, Int?)])
    func indexByBinarySearch(uid: UInt32, expected: Int?) {
        // UIDs 10, 11, 12, 14, 16 (gaps, as after expunges).
        var entries = POP3SessionStateMachineTests.maildrop(sizes: [1, 1, 1, 1, 1]).entries
        entries[3].message.uid = 14
        entries[4].message.uid = 16
        #expect(POP3ReadAhead.index(of: uid, in: entries) == expected)
    }

    @Test(arguments: [
        // sizes, RETR number, deleted numbers, expected follower UID
        ([100, 1000, 100], 1, [Int](), UInt32?(11)),    // too large for a batch, fits one read
        ([100, 999, 100], 1, [], nil),                  // small: the batch path reads it
        ([100, 4001, 100], 1, [], nil),                 // above one read: streamed as it comes
        ([100, 100, 2000], 1, [2], 12),                 // deleted messages are skipped
        ([100, 2000], 2, [], nil),                      // the last message has none
    ])
    func followerIsTheNextLiveMessageOfOneRead(sizes: [Int], retr: Int, deleted: [Int], expected: UInt32?) {
        var maildrop = POP3SessionStateMachineTests.maildrop(sizes: sizes)
        for gone in deleted { maildrop.markDeleted(gone) }
        let readAhead = POP3ReadAhead(configuration: Self.small)
        #expect(readAhead.follower(of: maildrop.entries[retr - 1], in: maildrop, readSize: 4000)?.uid == expected)
    }

    @Test func openedStreamIsHandedOverOnlyForItsMessage() async throws {
        var readAhead = POP3ReadAhead(configuration: Self.small)
        let stream = AsyncThrowingStream<ByteBuffer, any Error> { $0.yield(ByteBuffer(bytes: [7])); $0.finish() }
        readAhead.keepOpened(.chunks(stream), uid: 11)
        #expect(readAhead.takeOpened(uid: 12) == nil)      // another RETR drops it
        #expect(readAhead.takeOpened(uid: 11) == nil)
        readAhead.keepOpened(.chunks(stream), uid: 11)
        let opened = readAhead.takeOpened(uid: 11)
        guard case .chunks(let taken)? = opened else {
            Issue.record("the opened stream was not handed over")
            return
        }
        var chunks: [[UInt8]] = []
        for try await chunk in taken { chunks.append(Array(chunk.readableBytesView)) }
        #expect(chunks == [[7]])
        #expect(readAhead.takeOpened(uid: 11) == nil)
    }
}
