// What the change hub has announced for one mailbox, read under one lock: a session compares it
// with what it knows to decide whether it must ask the store what changed.

/// `generation` moves on every announced change; `highestModSeq` is the highest MODSEQ among them.
/// A session whose known MODSEQ is at least `highestModSeq` has nothing to read: every announced
/// change is one it already reflects (its own writes included).
struct IMAPWatchStatus: Equatable, Sendable {
    let generation: UInt64
    let highestModSeq: UInt64
}
