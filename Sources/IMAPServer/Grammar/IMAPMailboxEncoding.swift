// Which form mailbox names take on the wire in one session.

/// IMAP4rev1 sessions exchange mailbox names in modified UTF-7 (RFC 3501 §5.1.3); after
/// ENABLE UTF8=ACCEPT (RFC 6855 §3) or IMAP4rev2 (RFC 9051 §5.1) they are plain UTF-8.
public enum IMAPMailboxEncoding: Sendable, Equatable {
    case modifiedUTF7
    case utf8
}
