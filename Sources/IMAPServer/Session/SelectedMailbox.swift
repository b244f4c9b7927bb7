// What a session knows about its selected mailbox: the UID of each sequence number, and how far
// it has caught up with the store. RFC 9051 §2.3.1.2: sequence numbers are positions in this
// session's view, which changes only when the session reports EXISTS and EXPUNGE.

import MailStore

struct SelectedMailbox {
    let mailbox: Mailbox
    let readOnly: Bool
    /// Ascending; sequence number n is `uids[n - 1]`.
    private(set) var uids: [UInt32]
    /// Every change with a MODSEQ up to this one is reflected in `uids` or was reported.
    private(set) var knownModSeq: UInt64
    /// The hub's generation when the session last caught up.
    var generation: UInt64
    /// UIDs expunged by the store but not yet reported, because the command in progress forbids
    /// EXPUNGE responses (RFC 9051 §7.5.1: not during FETCH, STORE or SEARCH by sequence number).
    private(set) var pendingExpunges: Set<UInt32> = []
    /// Flag changes this session already reported itself (STORE), not to be echoed back.
    private var reportedByUs: [UInt32: UInt64] = [:]
    /// This session's own writes since it last caught up, to catch up without reading them back.
    private(set) var ownChanges = OwnChangeLedger()

    /// `mailbox` must have been read before `index`: its HIGHESTMODSEQ (which also counts
    /// expunges) then covers only changes the index already reflects.
    init(mailbox: Mailbox, readOnly: Bool, index: [MessageIndexEntry], generation: UInt64) {
        self.mailbox = mailbox
        self.readOnly = readOnly
        self.uids = index.map(\.uid)
        self.knownModSeq = max(index.map(\.modSeq).max() ?? 0, mailbox.highestModSeq)
        self.generation = generation
    }

    /// From SELECT's snapshot, whose HIGHESTMODSEQ was read with the UIDs in one transaction.
    init(selection: MailboxSelection, readOnly: Bool, generation: UInt64) {
        self.mailbox = selection.mailbox
        self.readOnly = readOnly
        self.uids = selection.uids
        self.knownModSeq = selection.mailbox.highestModSeq
        self.generation = generation
    }

    var count: UInt32 { UInt32(uids.count) }
    var highestUID: UInt32 { uids.last ?? 0 }

    func uid(atSequenceNumber number: UInt32) -> UInt32? {
        guard number >= 1, number <= uids.count else { return nil }
        return uids[Int(number) - 1]
    }

    /// Binary search: the sequence number of `uid`, if present.
    func sequenceNumber(ofUID uid: UInt32) -> UInt32? {
        var low = 0
        var high = uids.count
        while low < high {
            let middle = (low + high) / 2
            if uids[middle] < uid { low = middle + 1 } else { high = middle }
        }
        guard low < uids.count, uids[low] == uid else { return nil }
        return UInt32(low + 1)
    }

    mutating func noteReportedByUs(uid: UInt32, modSeq: UInt64) {
        reportedByUs[uid] = modSeq
    }

    /// After this session's own write to the mailbox: the MODSEQs it returned (and the UIDs it
    /// appended), so that catching up can skip reading them back.
    mutating func recordOwnWrite(modSeqs: [UInt64], appended: [UInt32] = []) {
        ownChanges.record(modSeqs: modSeqs, appended: appended, known: knownModSeq)
    }

    /// A write of this session whose MODSEQs are unknown: the next catch-up reads the store.
    mutating func recordUnknownWrite() {
        ownChanges.markUnproven()
    }

    /// Catches up without the store when every change the hub announced (up to
    /// `announcedModSeq`) is one this session knows: its own writes, proven by their MODSEQs, or
    /// older ones. Nil when only a read of the store can tell. What it returns is what a read
    /// would have produced: EXISTS for the messages the session appended itself, nothing for its
    /// own flag changes and expunges (already answered).
    mutating func catchUpWithoutReading(announcedModSeq: UInt64) -> Update? {
        guard let proven = ownChanges.provenModSeq(known: knownModSeq), announcedModSeq <= proven else { return nil }
        var update = Update()
        let highest = highestUID
        let appended = ownChanges.appendedUIDs.filter { $0 > highest }
        if !appended.isEmpty {
            uids.append(contentsOf: Set(appended).sorted())
            update.exists = count
        }
        knownModSeq = proven
        ownChanges = OwnChangeLedger()
        reportedByUs = [:]
        return update
    }

    /// What catching up produced, in the order the responses must be sent.
    struct Update {
        /// Sequence numbers to send as `* n EXPUNGE`, each valid at the moment it is sent.
        var expungedSequenceNumbers: [UInt32] = []
        var expungedUIDs: [UInt32] = []
        /// New message count when messages arrived (`* n EXISTS`).
        var exists: UInt32?
        /// Messages whose flags changed, as (sequence number, stored index entry).
        var flagChanges: [(UInt32, MessageIndexEntry)] = []
        var isEmpty: Bool { expungedSequenceNumbers.isEmpty && exists == nil && flagChanges.isEmpty }
    }

    /// Folds the store's answers into the view. `allowExpunge` false keeps expunged messages
    /// in place (their numbers stay valid) until a later command may report them.
    mutating func apply(changed: [MessageIndexEntry], expunged: [(uid: UInt32, modSeq: UInt64)],
                        allowExpunge: Bool) -> Update {
        var update = Update()
        for (uid, modSeq) in expunged {
            knownModSeq = max(knownModSeq, modSeq)
            if sequenceNumber(ofUID: uid) != nil { pendingExpunges.insert(uid) }
        }
        if allowExpunge, !pendingExpunges.isEmpty {
            // Highest first, so each reported number is still correct when the client applies it.
            for uid in pendingExpunges.sorted(by: >) {
                guard let number = sequenceNumber(ofUID: uid) else { continue }
                uids.remove(at: Int(number) - 1)
                update.expungedSequenceNumbers.append(number)
                update.expungedUIDs.append(uid)
            }
            pendingExpunges = []
        }
        let highest = highestUID
        var appended: [UInt32] = []
        for entry in changed {
            knownModSeq = max(knownModSeq, entry.modSeq)
            if entry.uid > highest {
                appended.append(entry.uid)
            } else if let number = sequenceNumber(ofUID: entry.uid), !pendingExpunges.contains(entry.uid) {
                if reportedByUs[entry.uid] == entry.modSeq { continue }
                update.flagChanges.append((number, entry))
            }
        }
        if !appended.isEmpty {
            uids.append(contentsOf: appended.sorted())
            update.exists = count
        }
        reportedByUs = [:]
        // The read covered the session's own writes too.
        ownChanges = OwnChangeLedger()
        return update
    }

    /// After this session's own EXPUNGE or MOVE: the UIDs are gone from the store and from the
    /// view. Returns the sequence numbers to report (highest first) and the UIDs that were in view.
    mutating func remove(expunged: [UInt32]) -> (numbers: [UInt32], uids: [UInt32]) {
        var numbers: [UInt32] = []
        var removed: [UInt32] = []
        for uid in expunged.sorted(by: >) {
            guard let number = sequenceNumber(ofUID: uid) else { continue }
            uids.remove(at: Int(number) - 1)
            pendingExpunges.remove(uid)
            numbers.append(number)
            removed.append(uid)
        }
        return (numbers, removed)
    }

    mutating func advanceKnownModSeq(to modSeq: UInt64) {
        knownModSeq = max(knownModSeq, modSeq)
    }
}
