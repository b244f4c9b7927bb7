import MailMessage

/// The message a script runs on: its bytes, parsed once by MailMessage. Delivery already holds a
/// `ParsedMessage`, so it can pass it in rather than parse again.
public struct SieveMessage: Sendable {
    public let bytes: [UInt8]
    public let parsed: ParsedMessage

    public init(bytes: [UInt8], parsed: ParsedMessage) {
        self.bytes = bytes
        self.parsed = parsed
    }

    public init(bytes: [UInt8]) {
        self.init(bytes: bytes, parsed: MessageParser.parse(bytes))
    }

    public var size: Int { bytes.count }
}

/// The SMTP envelope of this delivery (RFC 5228 §5.4) plus what delivery knows about the recipient.
public struct SieveEnvelope: Sendable, Hashable {
    /// MAIL FROM, without angle brackets; "" for the null reverse-path.
    public var from: String
    /// The RCPT TO this copy is delivered for.
    public var to: String
    /// The address as originally given (ORCPT, or before alias expansion), when it differs. No base
    /// test reads it; delivery passes it to `VacationPolicy.ownAddresses` so replies see it as ours.
    public var originalRecipient: String?
    /// The authenticated submitter, if any (envelope part "auth").
    public var authUser: String?
    /// The recipient's `+detail` when delivery resolved it away from `to` (RFC 5233 §4).
    public var detail: String?

    public init(from: String, to: String, originalRecipient: String? = nil, authUser: String? = nil,
                detail: String? = nil) {
        self.from = from
        self.to = to
        self.originalRecipient = originalRecipient
        self.authUser = authUser
        self.detail = detail
    }
}
