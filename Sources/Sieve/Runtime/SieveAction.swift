/// One thing the script asks delivery to do, in script order (RFC 5228 §2.10).
public enum SieveAction: Sendable, Hashable {
    /// Store in INBOX with these IMAP flags (RFC 5232 §5). `implicit` marks the implicit keep.
    case keep(flags: [String], implicit: Bool)
    /// RFC 5228 §4.1, RFC 5232 §5 :flags, RFC 5490 §3.2 :create, RFC 3894 :copy.
    case fileinto(mailbox: String, flags: [String], create: Bool, copy: Bool)
    /// RFC 5228 §4.2 and RFC 3894 :copy.
    case redirect(address: String, copy: Bool)
    /// RFC 5228 §4.4.
    case discard
    /// RFC 5429: refuse the message with this text; `extended` is ereject (SMTP-level refusal).
    case reject(reason: String, extended: Bool)
    /// RFC 5230 / RFC 6131; whether to send is `VacationPolicy`'s decision.
    case vacation(SieveVacation)
    /// RFC 5293 §4: add a field at the top, or at the end with :last; `value` is ready to write
    /// (non-ASCII already RFC 2047-encoded, no line breaks).
    case addHeader(name: String, value: String, last: Bool)
    /// RFC 5293 §5: delete the `occurrence`-th field (1-based) named `name`, as the header is at that
    /// moment; several deletions are listed highest occurrence first so they replay in order.
    case deleteHeader(name: String, occurrence: Int)

    /// Whether this action files or forwards the message (cancels the implicit keep when not :copy).
    var cancelsImplicitKeep: Bool {
        switch self {
        case .keep, .discard, .reject: true
        case .fileinto(_, _, _, let copy), .redirect(_, let copy): !copy
        case .vacation, .addHeader, .deleteHeader: false
        }
    }
}

/// The parameters of a vacation action (RFC 5230 §4, RFC 6131 §2).
public struct SieveVacation: Sendable, Hashable {
    public var reason: String
    public var subject: String?
    public var from: String?
    /// Extra addresses that count as the user's own (:addresses).
    public var addresses: [String]
    /// True when `reason` is a MIME entity (:mime).
    public var isMIME: Bool
    /// Identifies "the same vacation" for the reply-once bookkeeping (RFC 5230 §4.2).
    public var handle: String
    /// Minimum interval between replies to one sender, in seconds (:days × 86400 or :seconds).
    public var period: Int

    public init(reason: String, subject: String? = nil, from: String? = nil, addresses: [String] = [],
                isMIME: Bool = false, handle: String, period: Int) {
        self.reason = reason
        self.subject = subject
        self.from = from
        self.addresses = addresses
        self.isMIME = isMIME
        self.handle = handle
        self.period = period
    }
}

/// The outcome of running a script on one message.
public struct SieveResult: Sendable, Hashable {
    /// Actions in execution order, the implicit keep (if it applies) last.
    public var actions: [SieveAction]
    /// Runtime errors (with the line:column of the command that failed). When not empty, `actions`
    /// is just the implicit keep (RFC 5228 §2.10.6).
    public var errors: [SieveError]
    /// Whether the implicit keep applied (RFC 5228 §2.10.2).
    public var implicitKeep: Bool
    /// Duplicate keys to record once delivery succeeded (RFC 7352 §3.1).
    public var duplicateRecords: [SieveDuplicateKey]
    /// Whether the run ended with `stop` (RFC 5228 §3.3); delivery needs it to decide whether a
    /// user's script runs after the administrator's global one (RFC 6609 §3.1 sieve_before convention).
    public var stopped: Bool

    public init(actions: [SieveAction], errors: [SieveError], implicitKeep: Bool,
                duplicateRecords: [SieveDuplicateKey] = [], stopped: Bool = false) {
        self.actions = actions
        self.errors = errors
        self.implicitKeep = implicitKeep
        self.duplicateRecords = duplicateRecords
        self.stopped = stopped
    }
}
