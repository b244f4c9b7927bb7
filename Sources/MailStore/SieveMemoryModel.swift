// What Sieve remembers between deliveries of one account: duplicate tracking (RFC 7352) and the
// senders a vacation handle already answered (RFC 5230 §4.2).
import Foundation

/// The two kinds of memory; they share one table and never match each other.
public enum SieveMemoryKind: String, Sendable, Hashable {
    case duplicate
    case vacation
}

/// One remembered fact: (kind, handle, key) for an account. For duplicate the key is the unique
/// ID; for vacation it is the lower-cased sender address.
public struct SieveMemoryKey: Sendable, Hashable {
    public var kind: SieveMemoryKind
    public var handle: String
    public var key: String

    public init(kind: SieveMemoryKind, handle: String, key: String) {
        self.kind = kind
        self.handle = handle
        self.key = key
    }
}

/// When a fact was first recorded and until when it counts.
public struct SieveMemoryEntry: Sendable, Hashable {
    public var created: Date
    public var expires: Date

    public init(created: Date, expires: Date) {
        self.created = created
        self.expires = expires
    }
}

/// A fact to record after a successful delivery.
public struct SieveMemoryRecord: Sendable, Hashable {
    /// How an existing, unexpired entry is treated.
    public enum Mode: Sendable, Hashable {
        /// RFC 7352 §3.3 without :last: the period runs from the first record; a live entry is kept.
        case keepFirst
        /// RFC 7352 §3.3 :last: the period restarts now.
        case extend
        /// A new vacation reply was queued: the entry starts again now.
        case restart
    }

    public var accountID: AccountID
    public var key: SieveMemoryKey
    /// Seconds the entry counts from `at` (bounded by the caller).
    public var period: Int
    public var mode: Mode
    /// The delivery's clock (its received time), so the record and later lookups agree on "now".
    public var at: Date

    public init(accountID: AccountID, key: SieveMemoryKey, period: Int, mode: Mode, at: Date) {
        self.accountID = accountID
        self.key = key
        self.period = period
        self.mode = mode
        self.at = at
    }
}
