import MailStore
import NIOEmbedded
import Testing
@testable import IMAPServer

/// When a session may skip reading its own changes back (issue 8): only when the MODSEQs its writes
/// returned run without a gap from what it knew, and the hub announced nothing beyond them.
@Suite struct OwnChangeLedgerTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        /// Each write's returned MODSEQs, recorded in turn with the session knowing MODSEQ 10.
        let writes: [[UInt64]]
        /// What the session may take as known without reading; nil: it must read.
        let proven: UInt64?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "nothing written", writes: [], proven: 10),
        Case(name: "one change right after what it knew", writes: [[11]], proven: 11),
        Case(name: "writes in a row", writes: [[11, 12], [13], [14, 15, 16]], proven: 16),
        Case(name: "order within a write does not matter", writes: [[13, 11, 12]], proven: 13),
        Case(name: "a no-op STORE returns old MODSEQs, ignored", writes: [[4, 11], [9]], proven: 11),
        Case(name: "a no-op on a message it changed itself", writes: [[11], [11]], proven: 11),
        Case(name: "another writer came first: a gap", writes: [[12]], proven: nil),
        Case(name: "another writer came in between: a gap", writes: [[11], [13]], proven: nil),
        Case(name: "a gap inside one write", writes: [[11, 13]], proven: nil),
        Case(name: "once broken, stays broken", writes: [[12], [11], [13]], proven: nil),
        Case(name: "a store that does not say (0)", writes: [[11], [0]], proven: nil),
    ]

    @Test(arguments: cases)
    func provenModSeq(_ example: Case) {
        var ledger = OwnChangeLedger()
        for write in example.writes { ledger.record(modSeqs: write, known: 10) }
        #expect(ledger.provenModSeq(known: 10) == example.proven)
    }

    @Test func anUnknownWriteForcesARead() {
        var ledger = OwnChangeLedger()
        ledger.record(modSeqs: [11], appended: [5], known: 10)
        ledger.markUnproven()
        #expect(ledger.provenModSeq(known: 10) == nil)
        #expect(ledger.appendedUIDs.isEmpty)
        #expect(!ledger.isEmpty)
    }

    static func view(uids: [UInt32], modSeq: UInt64) -> SelectedMailbox {
        let mailbox = Mailbox(id: 1, accountID: 1, name: "INBOX", uidValidity: 1, uidNext: 30, highestModSeq: modSeq,
                              specialUse: nil, subscribed: true, messageCount: uids.count, unseenCount: 0, totalBytes: 0)
        let index = uids.map { MessageIndexEntry(uid: $0, modSeq: 1, flags: []) }
        return SelectedMailbox(mailbox: mailbox, readOnly: false, index: index, generation: 0)
    }

    @Test func ownAppendIsAnnouncedWithoutReading() throws {
        var view = Self.view(uids: [1, 2, 3], modSeq: 10)
        view.recordOwnWrite(modSeqs: [11])                     // STORE
        view.recordOwnWrite(modSeqs: [12], appended: [4])      // APPEND
        let caughtUp = view.catchUpWithoutReading(announcedModSeq: 12)
        let update = try #require(caughtUp)
        #expect(update.exists == 4)
        #expect(view.knownModSeq == 12)
        #expect(view.uid(atSequenceNumber: 4) == 4)
        #expect(view.ownChanges.isEmpty)
    }

    @Test func anotherWritersAnnouncedChangeNeedsARead() {
        var view = Self.view(uids: [1, 2, 3], modSeq: 10)
        view.recordOwnWrite(modSeqs: [11])
        // The hub announced 12, which no write of this session returned.
        let ahead = view.catchUpWithoutReading(announcedModSeq: 12)
        #expect(ahead == nil)
        #expect(view.knownModSeq == 10)
        // The hub is behind (it has not announced this session's 11 yet): nothing to read now.
        let update = view.catchUpWithoutReading(announcedModSeq: 0)
        #expect(update?.isEmpty == true)
        #expect(view.knownModSeq == 11)
    }

    @Test func aReadResetsTheLedger() {
        var view = Self.view(uids: [1, 2, 3], modSeq: 10)
        view.recordOwnWrite(modSeqs: [12])
        let gap = view.catchUpWithoutReading(announcedModSeq: 12)
        #expect(gap == nil)
        _ = view.apply(changed: [MessageIndexEntry(uid: 2, modSeq: 11, flags: ["\\Seen"]),
                                 MessageIndexEntry(uid: 3, modSeq: 12, flags: ["\\Seen"])],
                       expunged: [], allowExpunge: true)
        #expect(view.ownChanges.isEmpty)
        #expect(view.knownModSeq == 12)
    }

    @Test func theHubKeepsTheHighestAnnouncedModSeq() {
        var table = IMAPWatchTable<Int64>()
        let channel = EmbeddedChannel()
        _ = table.watch(1, channel: channel)
        _ = table.bump(1, modSeq: 7)
        _ = table.bump(1, modSeq: 5)                          // never goes down
        _ = table.bump(2, modSeq: 9)                          // nobody watches 2
        #expect(table.status(of: 1) == IMAPWatchStatus(generation: 2, highestModSeq: 7))
        #expect(table.status(of: 2) == IMAPWatchStatus(generation: 0, highestModSeq: 0))
    }
}
