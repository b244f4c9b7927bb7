// Response codes in square brackets: "OK [UIDNEXT 4392] Predicted next UID".

/// A `resp-text-code` (RFC 9051 §7.1, RFC 5530 and the extension RFCs), which tells the client
/// software, not the user, what happened.
public enum IMAPResponseCode: Sendable, Equatable {
    case alert
    case badCharset([String])
    case capability([String])
    case parse
    /// `allowsNewKeywords` adds `\*` (RFC 9051 §7.1: new keywords may be created).
    case permanentFlags([IMAPFlag], allowsNewKeywords: Bool)
    case readOnly, readWrite, tryCreate
    case uidNext(UInt32)
    case uidValidity(UInt32)
    /// IMAP4rev1 only (RFC 3501 §7.1).
    case unseen(UInt32)
    /// RFC 4315 UIDPLUS (RFC 9051 §7.1).
    case appendUID(uidValidity: UInt32, uids: IMAPSequenceSet)
    case copyUID(uidValidity: UInt32, source: IMAPSequenceSet, destination: IMAPSequenceSet)
    case uidNotSticky
    /// RFC 7162 §3.1.
    case highestModSeq(UInt64)
    case noModSeq
    case modified(IMAPSequenceSet)
    /// RFC 7162 §3.2.11.
    case closed
    // RFC 5530 / RFC 9051 §7.1.
    case unavailable, authenticationFailed, authorizationFailed, expired, privacyRequired, contactAdmin
    case noPerm, inUse, expungeIssued, corruption, serverBug, clientBug, cannot, limit, overQuota
    case alreadyExists, nonExistent, notSaved, hasChildren, unknownCTE
    /// RFC 4469 §4.2 / RFC 7889.
    case tooBig
    /// RFC 8474 §4.1.
    case mailboxID(String)
    /// RFC 4978 §4.
    case compressionActive
    /// RFC 6154 §6: CREATE ... USE with an attribute the server refuses.
    case useAttribute
    /// Any other code: an atom and optional text (no "]").
    case other(String, String?)
}
