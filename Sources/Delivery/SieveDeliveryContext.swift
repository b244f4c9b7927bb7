// The outside world as a script sees it during delivery. The interpreter is synchronous and does
// no I/O, so the store is asked between runs: a run notes what it asked and did not know
// (duplicate keys, included scripts), the filter fetches those, and runs again (SieveFilter).
import Foundation
import MailStore
import Sieve
import Synchronization

final class SieveDeliveryContext: SieveRuntimeContext {
    /// What earlier passes fetched. A key present with a nil value was looked up and is absent.
    struct Knowledge: Sendable {
        var duplicates: [SieveMemoryKey: SieveMemoryEntry?] = [:]
        var scripts: [ScriptKey: SieveScript?] = [:]
    }

    struct ScriptKey: Sendable, Hashable {
        var name: String
        var location: SieveIncludeLocation
    }

    /// What a run asked and `Knowledge` did not have.
    struct Misses: Sendable {
        var duplicates: Set<SieveMemoryKey> = []
        var scripts: Set<ScriptKey> = []
        var isEmpty: Bool { duplicates.isEmpty && scripts.isEmpty }
    }

    /// Unique IDs and handles longer than this are stored as their SHA-256, so a header chosen by a
    /// sender cannot make the table's keys large.
    static let maximumKeyLength = 256

    /// The account's mailbox names, read just before the run.
    let mailboxNames: Set<String>
    let receivedAt: Date
    let knowledge: Knowledge
    /// Written by the synchronous run, read by the filter afterwards (a class, so the protocol's
    /// non-mutating methods can record; the lock makes that Sendable).
    private let missed = Mutex(Misses())

    init(mailboxNames: Set<String>, receivedAt: Date, knowledge: Knowledge = Knowledge()) {
        self.mailboxNames = mailboxNames
        self.receivedAt = receivedAt
        self.knowledge = knowledge
    }

    var misses: Misses { missed.withLock { $0 } }

    func mailboxExists(_ name: String) -> Bool {
        // RFC 9051 §5.1: INBOX is case-insensitive; other names are compared as stored.
        name.uppercased() == "INBOX" || mailboxNames.contains(name)
    }

    /// RFC 7352 §3: true when the unique ID was recorded by an earlier delivery and has not expired.
    func isDuplicate(_ key: SieveDuplicateKey) -> Bool {
        // RFC 7352 §3.3: ":seconds 0" yields false unconditionally.
        guard key.period > 0 else { return false }
        let memoryKey = Self.memoryKey(key)
        guard let known = knowledge.duplicates[memoryKey] else {
            missed.withLock { _ = $0.duplicates.insert(memoryKey) }
            return false
        }
        guard let entry = known else { return false }
        return entry.expires > receivedAt
    }

    /// RFC 6609 §3.2: personal scripts are the account's stored ones, global ones come from the
    /// administrator's directory.
    func includedScript(named name: String, location: SieveIncludeLocation) -> SieveScript? {
        let key = ScriptKey(name: name, location: location)
        guard let known = knowledge.scripts[key] else {
            missed.withLock { _ = $0.scripts.insert(key) }
            return nil
        }
        return known
    }

    func now() -> (date: Date, zoneOffset: Int) { (receivedAt, 0) }

    /// The store's key for a duplicate test; long values are hashed (RFC 7352 leaves storage open).
    static func memoryKey(_ key: SieveDuplicateKey) -> SieveMemoryKey {
        SieveMemoryKey(kind: .duplicate, handle: bounded(key.handle), key: bounded(key.uniqueID))
    }

    static func bounded(_ text: String) -> String {
        text.utf8.count <= maximumKeyLength ? text : "sha256:" + MessageContent.sha256Hex(of: Array(text.utf8))
    }
}
