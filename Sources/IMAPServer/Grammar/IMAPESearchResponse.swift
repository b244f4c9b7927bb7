// `* ESEARCH (TAG "a1") UID MIN 2 COUNT 3` (RFC 4731 §3.1, RFC 9051 §7.3.4).

/// The ESEARCH response to a SEARCH with RETURN options (and any IMAP4rev2 SEARCH).
public struct IMAPESearchResponse: Sendable, Equatable {
    /// The tag of the SEARCH it answers (`search-correlator`).
    public var tag: String?
    public var uid: Bool
    public var min: UInt32?
    public var max: UInt32?
    public var all: IMAPSequenceSet?
    public var count: UInt32?
    /// RFC 7162 §3.1.5.
    public var modSequence: UInt64?

    public init(tag: String?, uid: Bool, min: UInt32? = nil, max: UInt32? = nil, all: IMAPSequenceSet? = nil,
                count: UInt32? = nil, modSequence: UInt64? = nil) {
        self.tag = tag
        self.uid = uid
        self.min = min
        self.max = max
        self.all = all
        self.count = count
        self.modSequence = modSequence
    }
}
