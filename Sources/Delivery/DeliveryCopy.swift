// One copy of a message for one account: where it goes, with which flags, and which bytes.
import MailStore

/// Sieve may ask for several copies per account (keep plus fileinto), with flags, and may edit
/// the header of this account's copy (then `prepared` is this account's own).
struct DeliveryCopy: Sendable {
    var mailbox: MailboxSelector
    var flags: [String]
    var prepared: PreparedMessage

    /// The copy every account gets without a script: INBOX, no flags, the shared content.
    static func inbox(_ prepared: PreparedMessage) -> DeliveryCopy {
        DeliveryCopy(mailbox: .inbox, flags: [], prepared: prepared)
    }
}
