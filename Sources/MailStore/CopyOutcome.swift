// What COPY and MOVE report back: the COPYUID response code's data.

/// RFC 4315 §3 `COPYUID uidvalidity source-uids destination-uids`: the two lists pair up by
/// position, in ascending source UID order, so the session can answer without re-reading.
public struct CopyOutcome: Sendable, Equatable {
    /// The destination mailbox's UIDVALIDITY.
    public var uidValidity: UInt32
    /// The source UIDs actually copied (UIDs that did not exist are left out), ascending.
    public var sourceUIDs: [UInt32]
    /// The new UIDs in the destination, ascending; `destinationUIDs[i]` is the copy of `sourceUIDs[i]`.
    public var destinationUIDs: [UInt32]

    public init(uidValidity: UInt32, sourceUIDs: [UInt32], destinationUIDs: [UInt32]) {
        self.uidValidity = uidValidity
        self.sourceUIDs = sourceUIDs
        self.destinationUIDs = destinationUIDs
    }
}
