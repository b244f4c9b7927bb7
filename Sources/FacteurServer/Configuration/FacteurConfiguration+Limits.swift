// `[limits]`: the sizes, counts and timers that keep one client from taking the server's memory,
// connections or patience. Each default follows the RFC that sets one; ranges refuse values the
// RFCs forbid (fewer than 100 recipients, an IMAP autologout under 30 minutes).

extension FacteurConfiguration {
    /// `[limits]` of facteur.toml, applied to every listener that has the limit.
    public struct Limits: Sendable, Equatable {
        /// `max_message_size`: the largest message, in bytes: SMTP SIZE (RFC 1870), LMTP, and the
        /// IMAP APPEND limit announced as APPENDLIMIT (RFC 7889).
        public var maxMessageSize: Int
        /// `max_connections`: live connections over every listener of the process.
        public var maxConnections: Int
        /// `max_connections_per_address`: live connections from one IP address (loopback included).
        public var maxConnectionsPerAddress: Int
        /// `max_line_length`: a command line, CRLF excluded. nil keeps each protocol's default
        /// (SMTP 2048, POP3 512, IMAP 65536, ManageSieve 8192); a value is raised to each
        /// protocol's floor: RFC 5321 §4.5.3.1.4 512 for SMTP, 512 for POP3 (RFC 2449 §4 asks
        /// 255), RFC 7162 §4 8192 for IMAP, 1100 for ManageSieve (a SASL PLAIN line).
        public var maxLineLength: Int?
        /// `max_literal_size`: an IMAP literal other than an APPEND message (RFC 9051 §4.3).
        public var maxLiteralSize: Int
        /// `max_recipients`: RCPT TO per SMTP/LMTP transaction; RFC 5321 §4.5.3.1.8 asks at least 100.
        public var maxRecipients: Int
        /// `max_mailboxes_per_account`: IMAP CREATE answers `NO [LIMIT]` past it.
        public var maxMailboxesPerAccount: Int
        /// `max_mailbox_name_length`: octets of a mailbox name (the store's hard ceiling is 1024).
        public var maxMailboxNameLength: Int
        /// `max_mailbox_depth`: levels of a hierarchical name ("a/b/c" is 3; the store allows 32).
        public var maxMailboxDepth: Int
        /// `prelogin_timeout_seconds`: IMAP, POP3 and ManageSieve silence allowed before login.
        public var preloginTimeoutSeconds: Int
        /// `imap_autologout_seconds`: IMAP silence allowed after login; RFC 9051 §5.4 "at least 30 minutes".
        public var imapAutologoutSeconds: Int
        /// `smtp_command_timeout_seconds`: waiting for an SMTP command; RFC 5321 §4.5.3.2.7, 5 minutes.
        public var smtpCommandTimeoutSeconds: Int
        /// `smtp_data_timeout_seconds`: waiting for more DATA/BDAT octets; RFC 5321 §4.5.3.2.5, 3 minutes.
        public var smtpDataTimeoutSeconds: Int

        public init(maxMessageSize: Int = 52_428_800, maxConnections: Int = 10_000,
                    maxConnectionsPerAddress: Int = 100, maxLineLength: Int? = nil,
                    maxLiteralSize: Int = 65_536, maxRecipients: Int = 100,
                    maxMailboxesPerAccount: Int = 1_000, maxMailboxNameLength: Int = 1_024,
                    maxMailboxDepth: Int = 32, preloginTimeoutSeconds: Int = 60,
                    imapAutologoutSeconds: Int = 1_800, smtpCommandTimeoutSeconds: Int = 300,
                    smtpDataTimeoutSeconds: Int = 180) {
            self.maxMessageSize = maxMessageSize
            self.maxConnections = maxConnections
            self.maxConnectionsPerAddress = maxConnectionsPerAddress
            self.maxLineLength = maxLineLength
            self.maxLiteralSize = maxLiteralSize
            self.maxRecipients = maxRecipients
            self.maxMailboxesPerAccount = maxMailboxesPerAccount
            self.maxMailboxNameLength = maxMailboxNameLength
            self.maxMailboxDepth = maxMailboxDepth
            self.preloginTimeoutSeconds = preloginTimeoutSeconds
            self.imapAutologoutSeconds = imapAutologoutSeconds
            self.smtpCommandTimeoutSeconds = smtpCommandTimeoutSeconds
            self.smtpDataTimeoutSeconds = smtpDataTimeoutSeconds
        }

        /// The line limit for one protocol: its own default when unset, never below its floor.
        public func lineLength(default defaultLength: Int, floor: Int) -> Int {
            max(maxLineLength ?? defaultLength, floor)
        }
    }
}
