// Untagged responses: status conditions and data (RFC 9051 §7.1-§7.5).

/// The content of a `* ...` response.
public enum IMAPUntaggedResponse: Sendable, Equatable {
    /// `* OK|NO|BAD [code] text`.
    case state(IMAPStatusResponse)
    /// `* BYE`: the server is closing the connection (RFC 9051 §7.1.5).
    case bye(IMAPResponseCode?, String)
    /// `* PREAUTH` greeting (RFC 9051 §7.1.4).
    case preauth(IMAPResponseCode?, String)
    case capability([String])
    /// RFC 5161 §3.2.
    case enabled([String])
    case list(IMAPListResponse)
    /// IMAP4rev1 only.
    case lsub(IMAPListResponse)
    case mailboxStatus(IMAPMailboxName, [IMAPStatusValue])
    case flags([IMAPFlag])
    case exists(UInt32)
    /// IMAP4rev1 only (RFC 3501 §7.3.2).
    case recent(UInt32)
    case expunge(UInt32)
    /// RFC 7162 §3.2.10: `* VANISHED [(EARLIER)] uids`.
    case vanished(earlier: Bool, IMAPSequenceSet)
    /// IMAP4rev1 `* SEARCH 2 3 6` with CONDSTORE's `(MODSEQ n)` (RFC 7162 §3.1.5).
    case search([UInt32], modSequence: UInt64?)
    case esearch(IMAPESearchResponse)
    /// `* SORT 2 3 6` (RFC 5256 §4).
    case sort([UInt32])
    /// `* THREAD (2)(3 6 (4 23)(44 7 96))` (RFC 5256 §4), flat so a deep thread never recurses.
    case thread(IMAPThreadList)
    case namespace(IMAPNamespaceResponse)
    /// RFC 2971: nil sends NIL.
    case id([IMAPIDParameter]?)
    /// RFC 9208 §5.1.
    case quota(root: String, [IMAPQuotaResource])
    /// RFC 9208 §5.2.
    case quotaRoot(IMAPMailboxName, roots: [String])
    /// `* n FETCH (...)` with every item already in memory; stream large bodies with
    /// `IMAPFetchResponseWriter` instead.
    case fetch(UInt32, [IMAPFetchItem])
}

/// One item of an untagged STATUS response.
public enum IMAPStatusValue: Sendable, Equatable {
    case number(IMAPStatusAttribute, UInt64)
    /// `APPENDLIMIT NIL`: no limit for this mailbox (RFC 7889 §3.2).
    case appendLimitNone
    /// `MAILBOXID (id)` (RFC 8474 §4).
    case mailboxID(String)
}

/// `* QUOTA` resource: name (STORAGE, MESSAGE, ...), usage and limit.
public struct IMAPQuotaResource: Sendable, Equatable {
    public var name: String
    public var usage: UInt64
    public var limit: UInt64

    public init(_ name: String, usage: UInt64, limit: UInt64) {
        self.name = name
        self.usage = usage
        self.limit = limit
    }
}
