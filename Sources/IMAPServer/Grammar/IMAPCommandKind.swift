// Every command the server understands, with its parsed arguments.

/// What a command asks for. Whether it is allowed in the current state (not authenticated,
/// authenticated, selected; RFC 9051 §3) is the session's business, not the grammar's.
public enum IMAPCommandKind: Sendable, Equatable {
    // Any state (RFC 9051 §6.1).
    case capability
    case noop
    case logout
    /// RFC 2971.
    case id([IMAPIDParameter]?)

    // Not authenticated (RFC 9051 §6.2).
    case startTLS
    /// SASL mechanism (uppercased) and the SASL-IR initial response (RFC 4959): nil when absent,
    /// `[]` for "=" (an empty response).
    case authenticate(mechanism: String, initialResponse: [UInt8]?)
    case login(username: String, password: [UInt8])

    // Authenticated (RFC 9051 §6.3).
    /// Capability names as sent (RFC 5161).
    case enable([String])
    case select(IMAPMailboxName, IMAPSelectParameters)
    case examine(IMAPMailboxName, IMAPSelectParameters)
    /// Special-use attributes from `USE (...)`, without the backslash (RFC 6154 §5).
    case create(IMAPMailboxName, specialUse: [String])
    case delete(IMAPMailboxName)
    case rename(from: IMAPMailboxName, to: IMAPMailboxName)
    case subscribe(IMAPMailboxName)
    case unsubscribe(IMAPMailboxName)
    case list(IMAPListCommand)
    /// IMAP4rev1 (RFC 3501 §6.3.9).
    case lsub(reference: String, pattern: String)
    case namespace
    case status(IMAPMailboxName, [IMAPStatusAttribute])
    case append(IMAPMailboxName, [IMAPAppendMessage])
    /// RFC 2177 / RFC 9051 §6.3.13; the client ends it with a `DONE` line.
    case idle

    // Selected (RFC 9051 §6.4).
    /// IMAP4rev1 CHECK (RFC 3501 §6.4.1): a NOOP in effect.
    case check
    case close
    case unselect
    case expunge
    case uidExpunge(IMAPSequenceSet)
    case search(IMAPSearchCommand)
    case uidSearch(IMAPSearchCommand)
    /// RFC 5256 §3 (and RFC 5957 keys).
    case sort(IMAPSortCommand)
    case uidSort(IMAPSortCommand)
    /// RFC 5256 §3.
    case thread(IMAPThreadCommand)
    case uidThread(IMAPThreadCommand)
    case fetch(IMAPSequenceSet, [IMAPFetchAttribute], modifiers: [IMAPFetchModifier])
    case uidFetch(IMAPSequenceSet, [IMAPFetchAttribute], modifiers: [IMAPFetchModifier])
    /// `unchangedSince` from `(UNCHANGEDSINCE n)` (RFC 7162 §3.1.3).
    case store(IMAPSequenceSet, IMAPStoreFlags, unchangedSince: UInt64?)
    case uidStore(IMAPSequenceSet, IMAPStoreFlags, unchangedSince: UInt64?)
    case copy(IMAPSequenceSet, IMAPMailboxName)
    case uidCopy(IMAPSequenceSet, IMAPMailboxName)
    /// RFC 6851.
    case move(IMAPSequenceSet, IMAPMailboxName)
    case uidMove(IMAPSequenceSet, IMAPMailboxName)
    /// RFC 8508: the message (one number, or `*`) to replace, where the new one goes, and the
    /// new one.
    case replace(IMAPSequenceSet, IMAPMailboxName, IMAPAppendMessage)
    case uidReplace(IMAPSequenceSet, IMAPMailboxName, IMAPAppendMessage)

    // Extensions parsed now, implemented later.
    /// RFC 9208 §4.2: the quota root name.
    case getQuota(String)
    /// RFC 9208 §4.3.
    case getQuotaRoot(IMAPMailboxName)
    /// RFC 9208 §4.4: the root and its `(resource limit)` pairs, names uppercased.
    case setQuota(String, [IMAPQuotaLimit])
    /// RFC 4978: the mechanism, uppercased ("DEFLATE").
    case compress(String)
    /// RFC 8437.
    case unauthenticate
    /// RFC 5465 §3.1.
    case notify(IMAPNotifyCommand)
}

/// One `resource-name resource-limit` pair of SETQUOTA (RFC 9208 §4.4).
public struct IMAPQuotaLimit: Sendable, Hashable {
    public var resource: String
    public var limit: UInt64

    public init(_ resource: String, limit: UInt64) {
        self.resource = resource
        self.limit = limit
    }
}

/// One `field value` pair of the ID command (RFC 2971 §3.3); value nil for NIL.
public struct IMAPIDParameter: Sendable, Hashable {
    public var field: String
    public var value: String?

    public init(_ field: String, _ value: String?) {
        self.field = field
        self.value = value
    }
}
