// One of LoginThrottle's two tables (remote addresses, accounts): failure runs by key, bounded.

/// A value type owned by the LoginThrottle actor, so it needs no lock of its own.
struct LoginFailureTable {
    struct Entry: Equatable {
        var failures = 0
        var firstFailure: Duration
        var lastTouched: Duration
        var lockedUntil: Duration?
    }

    private let failureWindow: Duration
    private let capacity: Int
    private(set) var entries: [String: Entry] = [:]

    init(configuration: LoginThrottle.Configuration) {
        failureWindow = configuration.failureWindow
        capacity = configuration.maxTrackedEntries
    }

    var count: Int { entries.count }

    /// A run ends `failureWindow` after its first failure; a lockout when it runs out.
    func expired(_ entry: Entry, at time: Duration) -> Bool {
        if let lockedUntil = entry.lockedUntil { return lockedUntil <= time }
        return time - entry.firstFailure >= failureWindow
    }

    /// The entry if it is still in force; an expired one is removed.
    mutating func live(_ key: String, at time: Duration) -> Entry? {
        guard let entry = entries[key] else { return nil }
        if expired(entry, at: time) {
            entries[key] = nil
            return nil
        }
        return entry
    }

    /// Counts one failure; returns the failures of the current run and how many entries were
    /// dropped to make room.
    mutating func recordFailure(_ key: String, at time: Duration) -> (failures: Int, evicted: Int) {
        var entry = live(key, at: time) ?? Entry(firstFailure: time, lastTouched: time)
        entry.failures += 1
        entry.lastTouched = time
        var evicted = 0
        if entries[key] == nil && entries.count >= capacity {
            evicted = makeRoom(at: time)
        }
        entries[key] = entry
        return (entry.failures, evicted)
    }

    /// Locks the key out until `time`; false if it already was.
    mutating func lock(_ key: String, until time: Duration) -> Bool {
        guard entries[key] != nil, entries[key]?.lockedUntil == nil else { return false }
        entries[key]?.lockedUntil = time
        return true
    }

    mutating func forget(_ key: String, unlessLocked: Bool) {
        if unlessLocked, entries[key]?.lockedUntil != nil { return }
        entries[key] = nil
    }

    func lockedCount(at time: Duration) -> Int {
        entries.values.count { ($0.lockedUntil ?? .zero) > time }
    }

    /// Drops expired entries, then (if that was not enough) the least recently touched tenth:
    /// one sort per tenth of the capacity keeps the cost per failure small under a flood.
    private mutating func makeRoom(at time: Duration) -> Int {
        let before = entries.count
        entries = entries.filter { !expired($0.value, at: time) }
        if entries.count >= capacity {
            let target = capacity - max(capacity / 10, 1)
            let oldest = entries.sorted { $0.value.lastTouched < $1.value.lastTouched }.prefix(entries.count - target)
            for (key, _) in oldest { entries[key] = nil }
        }
        return before - entries.count
    }
}
