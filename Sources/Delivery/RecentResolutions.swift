// The resolutions RCPT TO just made, for the DATA that follows (issue 8): without them every
// message resolved its recipients twice, one store round trip each time.
import Dispatch
import Synchronization

/// Recipient → the local accounts RCPT TO resolved it to, kept `lifetime` seconds. Only `check`
/// (RCPT) stores an entry and every RCPT replaces it, so the DATA of a transaction always uses a
/// resolution made at or after its own RCPT: what changes is that the DATA no longer sees a
/// change to aliases or accounts made between its RCPT and its end, exactly as if it had been
/// quicker. A recipient found unknown at RCPT removes the entry. Quotas are not taken from here:
/// the append checks them inside its transaction.
final class RecentResolutions: Sendable {
    private struct Entry {
        var resolution: RecipientResolution
        var storedAt: UInt64
    }

    private let lifetime: UInt64
    private let capacity: Int
    private let entries = Mutex([String: Entry]())

    init(lifetime: Double, capacity: Int) {
        self.lifetime = UInt64(max(0, lifetime) * 1_000_000_000)
        self.capacity = max(1, capacity)
    }

    /// Records what RCPT found; only local results are kept.
    func store(_ resolution: RecipientResolution?, for recipient: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        entries.withLock { entries in
            guard case .local = resolution, let resolution else {
                entries[recipient] = nil
                return
            }
            if entries.count >= capacity, entries[recipient] == nil {
                // Drop what expired; if the table is still full (a flood of distinct recipients),
                // start over: a miss costs one read, never a wrong answer.
                entries = entries.filter { now &- $0.value.storedAt < lifetime }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[recipient] = Entry(resolution: resolution, storedAt: now)
        }
    }

    /// The resolution stored for `recipient` in the last `lifetime`, if any.
    func resolution(for recipient: String) -> RecipientResolution? {
        let now = DispatchTime.now().uptimeNanoseconds
        return entries.withLock { entries in
            guard let entry = entries[recipient], now &- entry.storedAt < lifetime else { return nil }
            return entry.resolution
        }
    }
}
