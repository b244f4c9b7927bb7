// The ENVELOPE structure of FETCH (RFC 9051 §7.5.2), filled by the session from stored metadata.

/// A message's envelope as IMAP sends it. Header values are already unfolded; addresses
/// are split as RFC 9051 §7.5.2 describes (group syntax via `IMAPAddress.groupStart/groupEnd`).
public struct IMAPEnvelope: Sendable, Equatable {
    public var date: String?
    public var subject: String?
    public var from: [IMAPAddress]
    /// The session fills sender and reply-to with `from` when absent (RFC 9051 §7.5.2).
    public var sender: [IMAPAddress]
    public var replyTo: [IMAPAddress]
    public var to: [IMAPAddress]
    public var cc: [IMAPAddress]
    public var bcc: [IMAPAddress]
    public var inReplyTo: String?
    public var messageID: String?

    public init(date: String? = nil, subject: String? = nil, from: [IMAPAddress] = [], sender: [IMAPAddress] = [],
                replyTo: [IMAPAddress] = [], to: [IMAPAddress] = [], cc: [IMAPAddress] = [], bcc: [IMAPAddress] = [],
                inReplyTo: String? = nil, messageID: String? = nil) {
        self.date = date
        self.subject = subject
        self.from = from
        self.sender = sender
        self.replyTo = replyTo
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.inReplyTo = inReplyTo
        self.messageID = messageID
    }
}

/// `address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"` (RFC 9051 §9).
public struct IMAPAddress: Sendable, Equatable {
    public var name: String?
    /// Source route (obsolete, almost always nil).
    public var adl: String?
    /// Local part, or the group name when `host` is nil.
    public var mailbox: String?
    /// nil marks group syntax (RFC 9051 §7.5.2).
    public var host: String?

    public init(name: String?, adl: String? = nil, mailbox: String?, host: String?) {
        self.name = name
        self.adl = adl
        self.mailbox = mailbox
        self.host = host
    }

    /// The start of a group: `(NIL NIL "group-name" NIL)`.
    public static func groupStart(_ name: String) -> IMAPAddress { IMAPAddress(name: nil, mailbox: name, host: nil) }
    /// The end of a group: `(NIL NIL NIL NIL)`.
    public static let groupEnd = IMAPAddress(name: nil, mailbox: nil, host: nil)
}
