/// Settings of the delivery pipeline that an administrator may change.
public struct DeliveryConfiguration: Sendable {
    /// The server's name in Received "by" clauses.
    public var hostname: String
    /// `user+detail@domain` reaches `user@domain`; the detail is kept for Sieve (RFC 5233).
    public var recipientDelimiter: Character?
    /// How deep aliases may nest before expansion stops (a loop guard besides the visited set).
    public var maxAliasDepth: Int
    /// How many accounts one recipient may expand to (a list of lists cannot explode).
    public var maxExpandedAccounts: Int
    /// How many compiled Sieve scripts delivery keeps (one per active script in use); a miss
    /// costs one compile.
    public var sieveCacheCapacity: Int
    /// `[sieve] before`: a script the administrator runs before every user's script (e.g. spam to
    /// Junk); nil for none. Read on each delivery, so edits apply without a restart.
    public var sieveBeforePath: String?
    /// `[sieve] global_dir`: where `include :global "NAME"` finds `NAME.sieve` (RFC 6609 §3.2).
    public var sieveGlobalDirectory: String?
    /// `[limits]` on mailboxes, for Sieve `fileinto :create` (RFC 5490 §3.2).
    public var mailboxLimits = MailboxLimits()

    public init(hostname: String, recipientDelimiter: Character? = "+", maxAliasDepth: Int = 10,
                maxExpandedAccounts: Int = 1_000, sieveCacheCapacity: Int = 256, sieveBeforePath: String? = nil,
                sieveGlobalDirectory: String? = nil) {
        self.sieveCacheCapacity = sieveCacheCapacity
        self.sieveBeforePath = sieveBeforePath
        self.sieveGlobalDirectory = sieveGlobalDirectory
        self.hostname = hostname
        self.recipientDelimiter = recipientDelimiter
        self.maxAliasDepth = maxAliasDepth
        self.maxExpandedAccounts = maxExpandedAccounts
    }
}
