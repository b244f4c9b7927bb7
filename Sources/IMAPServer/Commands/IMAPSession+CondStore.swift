// CONDSTORE and QRESYNC (RFC 7162) state shared by the commands: enabling, the items every
// untagged FETCH carries once enabled, and how expunges are announced.

import MailStore

extension IMAPSession {
    /// RFC 7162 §3.1: a CONDSTORE enabling command (FETCH MODSEQ, FETCH CHANGEDSINCE, SEARCH
    /// MODSEQ, STORE UNCHANGEDSINCE, STATUS HIGHESTMODSEQ, SELECT (CONDSTORE), ENABLE). The first
    /// one with a mailbox selected reports that mailbox's HIGHESTMODSEQ: the highest MODSEQ this
    /// session has caught up with, never one whose changes it has not reported yet.
    mutating func enableCondStore() {
        guard !condStoreEnabled else { return }
        condStoreEnabled = true
        if let view = selected {
            queue(.untagged(.state(.ok("Highest mailbox mod-sequence", code: .highestModSeq(view.knownModSeq)))))
        }
    }

    /// The items of an unsolicited or STORE-caused FETCH: UID when asked for or once QRESYNC is
    /// enabled (§3.2.4), FLAGS unless silent, MODSEQ once CONDSTORE is enabled (§3.1).
    func changeItems(uid: UInt32, flags: [String]?, modSeq: UInt64, includeUID: Bool) -> [IMAPFetchItem] {
        var items: [IMAPFetchItem] = []
        if includeUID || qresyncEnabled { items.append(.uid(uid)) }
        if let flags { items.append(.flags(flags.map(IMAPFlag.init(stored:)))) }
        if condStoreEnabled { items.append(.modSequence(modSeq)) }
        return items
    }

    /// Announces removed messages: `* VANISHED uids` once QRESYNC is enabled (§3.2.10.2, which
    /// renumbers like EXPUNGE), else one `* n EXPUNGE` per message, highest number first.
    mutating func queueExpunges(sequenceNumbers: [UInt32], uids: [UInt32]) {
        if qresyncEnabled {
            if let set = IMAPSequenceSet(compacting: uids) { queue(.untagged(.vanished(earlier: false, set))) }
        } else {
            for number in sequenceNumbers { queue(.untagged(.expunge(number))) }
        }
    }
}
