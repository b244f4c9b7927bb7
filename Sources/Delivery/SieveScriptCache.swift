// Compiled Sieve scripts, so a busy mailbox does not recompile its filter for every message.
import MailStore
import Sieve
import Synchronization

/// A small LRU of compile results keyed by (account, SHA-256 of the source): a changed script
/// has a new key, so nothing needs invalidating; broken scripts are cached too, so a syntax error
/// costs one compile, not one per message.
final class SieveScriptCache: Sendable {
    struct Key: Hashable, Sendable {
        var accountID: AccountID
        var sourceSHA256: String
    }

    private struct Entry {
        var result: Result<SieveScript, SieveErrors>
        var lastUse: UInt64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var clock: UInt64 = 0
    }

    let capacity: Int
    let options: SieveCompiler.Options
    private let state = Mutex(State())

    init(capacity: Int, options: SieveCompiler.Options = .default) {
        self.capacity = max(1, capacity)
        self.options = options
    }

    /// The compiled script for `source`, compiling outside the lock on a miss.
    func script(accountID: AccountID, source: String) -> Result<SieveScript, SieveErrors> {
        let key = Key(accountID: accountID, sourceSHA256: MessageContent.sha256Hex(of: Array(source.utf8)))
        let cached: Result<SieveScript, SieveErrors>? = state.withLock { state in
            state.clock += 1
            guard var entry = state.entries[key] else { return nil }
            entry.lastUse = state.clock
            state.entries[key] = entry
            return entry.result
        }
        if let cached { return cached }
        let compiled = SieveCompiler.compile(source, options: options)
        state.withLock { state in
            state.clock += 1
            state.entries[key] = Entry(result: compiled, lastUse: state.clock)
            // Evict the least recently used; a linear scan is fine at this size.
            while state.entries.count > capacity,
                  let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
                state.entries[oldest] = nil
            }
        }
        return compiled
    }

    var count: Int { state.withLock { $0.entries.count } }

    /// Whether a compile result for this source is held (tests check eviction with it).
    func contains(accountID: AccountID, source: String) -> Bool {
        let key = Key(accountID: accountID, sourceSHA256: MessageContent.sha256Hex(of: Array(source.utf8)))
        return state.withLock { $0.entries[key] != nil }
    }
}
