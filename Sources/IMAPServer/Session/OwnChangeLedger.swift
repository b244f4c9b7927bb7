// What a session's own writes to its selected mailbox (STORE, APPEND into it, EXPUNGE) did since it
// last caught up, kept so that it need not read them back from the store (issue 8: four store
// trips per imap-mix loop).
//
// Implementation notes:
// - The store gives every change of a mailbox the next MODSEQ, one by one, in one writer's
//   transaction (RFC 7162 §3.1.1: MODSEQ grows strictly). So when the MODSEQs a session's writes
//   return run without a gap from its known MODSEQ + 1 up to N, every change up to N is one of
//   its own, already answered by the command that made it; nothing from another session or a
//   delivery hides below N.
// - Anything that does not prove this (a gap, a MODSEQ the write did not return, a store that
//   does not say) marks the ledger unproven, and the session reads the store as it always did.
//   A write the session forgets to record looks like another writer's: the store is read.

/// A value held by `SelectedMailbox`; reset whenever the session catches up.
struct OwnChangeLedger: Equatable {
    /// Every change with a MODSEQ in (known, `through`] is this session's own; nil: none recorded.
    private(set) var through: UInt64?
    /// A write's MODSEQs did not continue the run: only a read of the store is safe now.
    private(set) var unproven = false
    /// UIDs this session appended to the mailbox itself (APPEND), not yet in its view.
    private(set) var appendedUIDs: [UInt32] = []

    /// Records one write. `modSeqs`: the MODSEQ of every message the write returned, changed or
    /// not. A STORE that changed nothing returns the message's current MODSEQ: below the run it is
    /// ignored; when it is another writer's change to that very message, the STORE's own answer
    /// carried the message's state, which is what the read-back reported before (it skipped what
    /// the session had reported itself); anywhere else it breaks the run. `known`: the session's
    /// MODSEQ.
    mutating func record(modSeqs: [UInt64], appended: [UInt32] = [], known: UInt64) {
        guard !unproven else { return }
        // MODSEQs start at 1: 0 is a store that does not say.
        guard !modSeqs.contains(0) else { return markUnproven() }
        let base = through ?? known
        let fresh = Set(modSeqs.lazy.filter { $0 > base }).sorted()
        for (offset, modSeq) in fresh.enumerated() where modSeq != base &+ UInt64(offset) &+ 1 {
            markUnproven()
            return
        }
        if let last = fresh.last { through = last }
        appendedUIDs.append(contentsOf: appended)
    }

    /// A write whose MODSEQs are not known: from now on only a read is safe.
    mutating func markUnproven() {
        unproven = true
        through = nil
        appendedUIDs = []
    }

    /// The MODSEQ up to which the session knows every change without reading, given `known`; nil
    /// when its own writes cannot be proven to be all there is.
    func provenModSeq(known: UInt64) -> UInt64? {
        unproven ? nil : max(through ?? known, known)
    }

    var isEmpty: Bool { through == nil && !unproven }
}
