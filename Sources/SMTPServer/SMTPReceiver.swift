// The seam between the SMTP/LMTP sessions and whatever stores the mail (the Delivery pipeline,
// adapted in FacteurServer). The session owns the wire; the receiver owns the decisions.

/// What a session knows about its peer and its channel when it hands a decision to the receiver.
public struct SMTPSessionInfo: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case smtp          // port 25: mail for local domains only
        case submission    // 587/465: authenticated users (later issue)
        case lmtp          // RFC 2033
    }

    /// TLS parameters for the Received header's "with ESMTPS (TLS1.3 ...)" clause.
    public struct TLSInfo: Sendable, Equatable {
        public var version: String     // "TLSv1.3"
        public var cipher: String      // "TLS_AES_256_GCM_SHA384"
        public init(version: String, cipher: String) {
            self.version = version
            self.cipher = cipher
        }
    }

    public var kind: Kind
    public var connectionID: String
    public var remoteAddress: String   // "203.0.113.9" (no port)
    public var remotePort: Int
    public var localHostname: String   // the server's own name, for Received "by"
    public var heloName: String?       // what the client said in EHLO/HELO/LHLO
    public var usedEHLO: Bool          // EHLO/LHLO (ESMTP) rather than HELO
    public var tls: TLSInfo?
    public var authenticatedUser: String?

    public init(kind: Kind, connectionID: String, remoteAddress: String, remotePort: Int,
                localHostname: String, heloName: String? = nil, usedEHLO: Bool = false,
                tls: TLSInfo? = nil, authenticatedUser: String? = nil) {
        self.kind = kind
        self.connectionID = connectionID
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.localHostname = localHostname
        self.heloName = heloName
        self.usedEHLO = usedEHLO
        self.tls = tls
        self.authenticatedUser = authenticatedUser
    }

    /// The WITH protocol name for the Received header, RFC 3848.
    public var protocolName: String {
        let base = kind == .lmtp ? "LMTP" : (usedEHLO ? "ESMTP" : "SMTP")
        switch (tls != nil, authenticatedUser != nil) {
        case (true, true): return base + "SA"
        case (true, false): return base + "S"
        case (false, true): return base + "A"
        case (false, false): return base
        }
    }
}

/// One reply line set: `250 2.1.5 Ok`. Multi-line text is joined with "-" continuation on the wire.
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    public var code: Int                  // 250
    public var enhancedCode: String?      // "2.1.5" (RFC 3463 / RFC 2034)
    public var lines: [String]            // at least one

    public init(_ code: Int, _ enhancedCode: String?, _ text: String) {
        self.code = code
        self.enhancedCode = enhancedCode
        self.lines = [text]
    }

    public init(code: Int, enhancedCode: String?, lines: [String]) {
        self.code = code
        self.enhancedCode = enhancedCode
        self.lines = lines.isEmpty ? [""] : lines
    }

    public var isPositive: Bool { code >= 200 && code < 400 }
    public var isTransientFailure: Bool { code >= 400 && code < 500 }

    public var description: String {
        lines.map { line in
            if let enhancedCode { return "\(code) \(enhancedCode) \(line)" }
            return "\(code) \(line)"
        }.joined(separator: "\n")
    }
}

/// A recipient as given in RCPT TO, with the DSN parameters of RFC 3461 §4.
public struct SMTPRecipient: Sendable, Equatable {
    public var address: String            // "user+tag@example.com", unquoted local part as sent
    public var notify: String?            // NOTIFY=SUCCESS,FAILURE | NEVER
    public var originalRecipient: String? // ORCPT=rfc822;user@example.com
    public init(address: String, notify: String? = nil, originalRecipient: String? = nil) {
        self.address = address
        self.notify = notify
        self.originalRecipient = originalRecipient
    }
}

/// What MAIL FROM carried, RFC 5321 §4.1.1.2 and the ESMTP parameters of the announced extensions.
public struct SMTPEnvelope: Sendable, Equatable {
    public var reversePath: String        // "" for the null reverse-path <>
    public var body: String?              // BODY=7BIT|8BITMIME|BINARYMIME (RFC 1652, RFC 3030)
    public var declaredSize: Int?         // SIZE= (RFC 1870)
    public var smtpUTF8: Bool             // SMTPUTF8 (RFC 6531)
    public var dsnReturn: String?         // RET=FULL|HDRS (RFC 3461)
    public var dsnEnvelopeID: String?     // ENVID= (xtext decoded)
    public var recipients: [SMTPRecipient]

    public init(reversePath: String, body: String? = nil, declaredSize: Int? = nil,
                smtpUTF8: Bool = false, dsnReturn: String? = nil, dsnEnvelopeID: String? = nil,
                recipients: [SMTPRecipient] = []) {
        self.reversePath = reversePath
        self.body = body
        self.declaredSize = declaredSize
        self.smtpUTF8 = smtpUTF8
        self.dsnReturn = dsnReturn
        self.dsnEnvelopeID = dsnEnvelopeID
        self.recipients = recipients
    }
}

/// Decides on recipients and takes the accepted message. Implemented by the Delivery pipeline.
public protocol SMTPReceiver: Sendable {
    /// RCPT TO: nil accepts the recipient (250 2.1.5), a reply refuses it (550 5.1.1, 554 5.7.1,
    /// 452 4.2.2 …). Called once per RCPT, in order.
    func checkRecipient(_ recipient: SMTPRecipient, envelope: SMTPEnvelope,
                        session: SMTPSessionInfo) async -> SMTPReply?

    /// The end of DATA/BDAT LAST: `message` is the complete message as received, dot-unstuffed, CRLF
    /// line endings. Returns exactly one reply per recipient of `envelope.recipients`, in order;
    /// a 250 means the message is durably stored for that recipient. SMTP sends one reply: 250 when
    /// any recipient got 250 (the receiver answers for the others, e.g. with a bounce), otherwise the
    /// first recipient's failure; LMTP sends them all, in order (RFC 2033 §4.2).
    func deliver(_ message: [UInt8], envelope: SMTPEnvelope, session: SMTPSessionInfo) async -> [SMTPReply]
}
