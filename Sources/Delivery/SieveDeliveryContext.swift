// The outside world as a script sees it during delivery. The interpreter is synchronous, so
// everything it may ask is fetched from the store before the run.
import Foundation
import MailStore
import Sieve

struct SieveDeliveryContext: SieveRuntimeContext {
    /// The account's mailbox names, read just before the run.
    let mailboxNames: Set<String>
    let receivedAt: Date

    func mailboxExists(_ name: String) -> Bool {
        // RFC 9051 §5.1: INBOX is case-insensitive; other names are compared as stored.
        name.uppercased() == "INBOX" || mailboxNames.contains(name)
    }

    // todo(sieve): duplicate tracking (RFC 7352) needs a store table; until then nothing is a duplicate.
    func isDuplicate(_ key: SieveDuplicateKey) -> Bool { false }

    func now() -> (date: Date, zoneOffset: Int) { (receivedAt, 0) }
}
