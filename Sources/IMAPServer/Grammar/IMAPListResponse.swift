// A LIST / LSUB response line: attributes, hierarchy delimiter, name, extended data.

/// `mailbox-list` (RFC 9051 §7.3.1, RFC 5258 §3.5).
public struct IMAPListResponse: Sendable, Equatable {
    /// With the backslash: `\HasNoChildren`, `\Noselect`, `\Sent`, `\Subscribed`, ...
    public var attributes: [String]
    /// nil sends NIL (a flat namespace).
    public var delimiter: Character?
    public var mailbox: IMAPMailboxName
    /// `CHILDINFO ("SUBSCRIBED")` for RECURSIVEMATCH (RFC 5258 §3.5).
    public var childInfo: [String]
    /// `OLDNAME (name)` after a rename or canonicalisation (RFC 9051 §7.3.1).
    public var oldName: IMAPMailboxName?

    public init(attributes: [String], delimiter: Character?, mailbox: IMAPMailboxName,
                childInfo: [String] = [], oldName: IMAPMailboxName? = nil) {
        self.attributes = attributes
        self.delimiter = delimiter
        self.mailbox = mailbox
        self.childInfo = childInfo
        self.oldName = oldName
    }
}
