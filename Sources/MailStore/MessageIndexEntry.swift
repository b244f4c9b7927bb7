// The slim view of one message that SELECT, session bookkeeping and CONDSTORE need.

/// UID, MODSEQ and flags only, no metadata and no bytes, so that reading the index of a 10,000
/// message mailbox on SELECT stays cheap.
public struct MessageIndexEntry: Sendable, Equatable {
    public var uid: UInt32
    public var modSeq: UInt64
    /// Sorted, as in `StoredMessage.flags`: system flags with their backslash, then keywords.
    public var flags: [String]

    public init(uid: UInt32, modSeq: UInt64, flags: [String]) {
        self.uid = uid
        self.modSeq = modSeq
        self.flags = flags
    }
}
