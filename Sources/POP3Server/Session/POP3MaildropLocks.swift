// RFC 1939 §8: "the POP3 server ... acquires an exclusive-access lock on the maildrop". One
// registry is shared by every POP3 connection of the process (pop3 and pop3s listeners alike).
// IMAP sessions do not take it: they may share the mailbox.

import MailStore

/// Which accounts have a POP3 session in TRANSACTION state. An actor because it is shared
/// between connections; held only in memory, so a crash releases every lock.
public actor POP3MaildropLocks {
    private var holders: [AccountID: String] = [:]

    public init() {}

    /// Takes the lock for `accountID` on behalf of `owner` (a connection id); false when another
    /// session holds it.
    public func acquire(_ accountID: AccountID, owner: String) -> Bool {
        if let holder = holders[accountID] { return holder == owner }
        holders[accountID] = owner
        return true
    }

    /// Releases the lock if `owner` holds it; anything else is a no-op, so it is safe on any path.
    public func release(_ accountID: AccountID, owner: String) {
        if holders[accountID] == owner { holders[accountID] = nil }
    }

    public func isLocked(_ accountID: AccountID) -> Bool {
        holders[accountID] != nil
    }
}
