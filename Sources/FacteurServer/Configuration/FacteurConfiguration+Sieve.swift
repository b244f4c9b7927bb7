// `[sieve]`: the administrator's scripts at delivery.

extension FacteurConfiguration {
    /// `[sieve]`: scripts the administrator sets for every account (RFC 6609 global scripts).
    public struct SieveSettings: Sendable, Equatable {
        /// `before`: a script run before each user's script (for example, spam into Junk); its
        /// actions add to the user's, and the user's script runs unless it executes `stop`. A
        /// missing or broken file is logged at delivery and skipped: mail still reaches INBOX.
        public var beforeScript: String?
        /// `global_dir`: the directory where `include :global "NAME"` finds `NAME.sieve`.
        public var globalDirectory: String?

        public init(beforeScript: String? = nil, globalDirectory: String? = nil) {
            self.beforeScript = beforeScript
            self.globalDirectory = globalDirectory
        }
    }
}
