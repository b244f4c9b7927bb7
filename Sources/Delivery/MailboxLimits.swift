// `[limits] max_mailboxes_per_account`, `max_mailbox_name_length`, `max_mailbox_depth` as Sieve
// `fileinto :create` applies them, so a script cannot create what IMAP CREATE would refuse.

/// The mailbox count, name length and depth a delivery may create up to. Value type shared by
/// the pipeline's tasks.
public struct MailboxLimits: Sendable, Equatable {
    public var maxMailboxesPerAccount: Int
    /// Octets of a mailbox name.
    public var maxNameLength: Int
    /// Levels of a "/"-separated name.
    public var maxDepth: Int

    public init(maxMailboxesPerAccount: Int = 1_000, maxNameLength: Int = 1_024, maxDepth: Int = 32) {
        self.maxMailboxesPerAccount = max(maxMailboxesPerAccount, 1)
        self.maxNameLength = max(maxNameLength, 1)
        self.maxDepth = max(maxDepth, 1)
    }

    /// Why creating `name` beside `existingCount` mailboxes would pass a limit; nil when it fits.
    public func violation(creating name: String, existingCount: Int) -> String? {
        if name.utf8.count > maxNameLength { return "mailbox name longer than \(maxNameLength) octets" }
        if name.split(separator: "/", omittingEmptySubsequences: false).count > maxDepth {
            return "mailbox hierarchy deeper than \(maxDepth) levels"
        }
        if existingCount >= maxMailboxesPerAccount { return "account has \(maxMailboxesPerAccount) mailboxes" }
        return nil
    }
}
