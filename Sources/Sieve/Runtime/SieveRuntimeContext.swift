import Foundation

/// Where an included script lives (RFC 6609 §3.2).
public enum SieveIncludeLocation: String, Sendable, Hashable {
    case personal, global
}

/// A duplicate-tracking query (RFC 7352 §3): whether `uniqueID` was seen for `handle` within `period`.
public struct SieveDuplicateKey: Sendable, Hashable {
    public var handle: String
    public var uniqueID: String
    /// Seconds a record is remembered (RFC 7352 §3.2 :seconds, or the server default).
    public var period: Int
    /// RFC 7352 §3.3 :last: the period counts from the last time seen, not the first.
    public var fromLast: Bool

    public init(handle: String, uniqueID: String, period: Int, fromLast: Bool) {
        self.handle = handle
        self.uniqueID = uniqueID
        self.period = period
        self.fromLast = fromLast
    }
}

/// What the engine must ask the outside world. The interpreter performs no I/O itself; delivery
/// implements this with the store (mailboxes, duplicate records, stored scripts) and the clock.
public protocol SieveRuntimeContext: Sendable {
    /// RFC 5490 §3.1 mailboxexists, and whether fileinto without :create would succeed.
    func mailboxExists(_ name: String) -> Bool
    /// RFC 7352: true when the key was recorded before and is still within its period. Recording
    /// is left to the caller, from `SieveResult.duplicateRecords`, once delivery succeeded.
    func isDuplicate(_ key: SieveDuplicateKey) -> Bool
    /// RFC 6609: the compiled script `name` at `location`, or nil when there is none.
    func includedScript(named name: String, location: SieveIncludeLocation) -> SieveScript?
    /// The current instant and the zone offset (seconds east of UTC) of the user, for currentdate
    /// and for date tests without :zone (RFC 5260 §4.1).
    func now() -> (date: Date, zoneOffset: Int)
}

extension SieveRuntimeContext {
    public func mailboxExists(_ name: String) -> Bool { true }
    public func isDuplicate(_ key: SieveDuplicateKey) -> Bool { false }
    public func includedScript(named name: String, location: SieveIncludeLocation) -> SieveScript? { nil }
    public func now() -> (date: Date, zoneOffset: Int) { (Date(), 0) }
}
