// What the store keeps of mail waiting to leave the server (DESIGN.md: "outbound queue records").
// Sieve redirects, vacation replies and rejection notices are queued here at delivery; the
// OutboundQueue module that sends them comes with the sending issue.
import Foundation

/// Identifies one queued message; shown by `facteur queue list` and taken by `queue remove`.
public typealias OutboundQueueID = Int64

/// Why a message was queued, kept so an administrator can tell forwarded mail from auto-replies.
public enum OutboundOrigin: String, Sendable, Hashable, CaseIterable {
    /// RFC 5228 §4.2 redirect (and RFC 3894 redirect :copy).
    case sieveRedirect = "sieve-redirect"
    /// RFC 5230 vacation auto-reply.
    case sieveVacation = "sieve-vacation"
    /// RFC 5429 §2.1 rejection notice, when the refusal could not be given in the SMTP reply.
    case sieveReject = "sieve-reject"
}

/// A message to queue: the SMTP envelope it will be sent with and its bytes, unchanged.
public struct OutboundMessage: Sendable, Hashable {
    /// MAIL FROM, "" for the null reverse-path (RFC 5321 §4.5.5).
    public var envelopeFrom: String
    /// RCPT TO addresses, at least one.
    public var recipients: [String]
    public var content: [UInt8]
    public var origin: OutboundOrigin
    /// The account whose script queued it, for audits; nil when none.
    public var accountID: AccountID?

    public init(envelopeFrom: String, recipients: [String], content: [UInt8], origin: OutboundOrigin,
                accountID: AccountID? = nil) {
        self.envelopeFrom = envelopeFrom
        self.recipients = recipients
        self.content = content
        self.origin = origin
        self.accountID = accountID
    }
}

/// One queue row as `facteur queue list` shows it (without the bytes, which can be large).
public struct OutboundQueueEntry: Sendable, Hashable {
    public var id: OutboundQueueID
    public var created: Date
    public var envelopeFrom: String
    public var recipients: [String]
    public var size: Int
    public var origin: OutboundOrigin
    public var accountID: AccountID?
    /// Sending attempts so far (0 until a sender exists).
    public var attempts: Int
    public var nextAttempt: Date
    public var lastError: String?

    public init(id: OutboundQueueID, created: Date, envelopeFrom: String, recipients: [String], size: Int,
                origin: OutboundOrigin, accountID: AccountID?, attempts: Int, nextAttempt: Date, lastError: String?) {
        self.id = id
        self.created = created
        self.envelopeFrom = envelopeFrom
        self.recipients = recipients
        self.size = size
        self.origin = origin
        self.accountID = accountID
        self.attempts = attempts
        self.nextAttempt = nextAttempt
        self.lastError = lastError
    }
}
