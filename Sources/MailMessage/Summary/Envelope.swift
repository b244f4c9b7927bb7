/// The IMAP ENVELOPE of a message (RFC 9051 §7.5.2), computed once at delivery: string members are
/// the raw unfolded header values (clients decode RFC 2047 themselves), address members parsed.
public struct Envelope: Sendable, Codable, Equatable {
    /// nil when the field is absent, "" when present but empty (RFC 9051 §7.5.2).
    public var date: String?
    public var subject: String?
    /// Address lists: empty means NIL (absent or empty field).
    public var from: [Address]
    /// Defaults to `from` when Sender is absent or empty (RFC 9051 §7.5.2).
    public var sender: [Address]
    /// Defaults to `from` when Reply-To is absent or empty (RFC 9051 §7.5.2).
    public var replyTo: [Address]
    public var to: [Address]
    public var cc: [Address]
    public var bcc: [Address]
    public var inReplyTo: String?
    public var messageID: String?

    public init(date: String? = nil, subject: String? = nil, from: [Address] = [], sender: [Address] = [],
                replyTo: [Address] = [], to: [Address] = [], cc: [Address] = [], bcc: [Address] = [],
                inReplyTo: String? = nil, messageID: String? = nil) {
        self.date = date
        self.subject = subject
        self.from = from
        self.sender = sender.isEmpty ? from : sender
        self.replyTo = replyTo.isEmpty ? from : replyTo
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.inReplyTo = inReplyTo
        self.messageID = messageID
    }

    /// Builds the envelope from a header block (the first occurrence of each field is used).
    public init(header: HeaderFields) {
        var date: String?, subject: String?, inReplyTo: String?, messageID: String?
        var from: [Address] = [], sender: [Address] = [], replyTo: [Address] = []
        var to: [Address] = [], cc: [Address] = [], bcc: [Address] = []
        var seen = 0   // one bit per field kind: the first occurrence wins
        for field in header where !field.isMalformed {
            guard let kind = Self.kind(of: field.name), seen & (1 << kind) == 0 else { continue }
            seen |= 1 << kind
            switch kind {
            case 0: date = field.value
            case 1: subject = field.value
            case 2: from = AddressParser.parse(bytes: field.unfoldedValueBytes)
            case 3: sender = AddressParser.parse(bytes: field.unfoldedValueBytes)
            case 4: replyTo = AddressParser.parse(bytes: field.unfoldedValueBytes)
            case 5: to = AddressParser.parse(bytes: field.unfoldedValueBytes)
            case 6: cc = AddressParser.parse(bytes: field.unfoldedValueBytes)
            case 7: bcc = AddressParser.parse(bytes: field.unfoldedValueBytes)
            case 8: inReplyTo = field.value
            default: messageID = field.value
            }
        }
        self.init(date: date, subject: subject, from: from, sender: sender, replyTo: replyTo,
                  to: to, cc: cc, bcc: bcc, inReplyTo: inReplyTo, messageID: messageID)
    }

    private static let fieldNames = ["date", "subject", "from", "sender", "reply-to", "to", "cc", "bcc",
                                     "in-reply-to", "message-id"]

    /// Index in `fieldNames` of an ENVELOPE field name, compared without allocating.
    private static func kind(of name: String) -> Int? {
        let length = name.utf8.count
        guard length >= 2 && length <= 11 else { return nil }
        return fieldNames.firstIndex { $0.utf8.count == length && ASCII.equalsIgnoringCase($0, name) }
    }

    enum CodingKeys: String, CodingKey {
        case date = "d", subject = "s", from = "f", sender = "se", replyTo = "r", to = "t", cc = "c",
             bcc = "b", inReplyTo = "i", messageID = "m"
    }

    // Empty lists are left out of the stored form; sender and reply-to are stored only when they
    // differ from `from`, since the RFC default makes them equal most of the time.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let from = try container.decodeIfPresent([Address].self, forKey: .from) ?? []
        self.init(
            date: try container.decodeIfPresent(String.self, forKey: .date),
            subject: try container.decodeIfPresent(String.self, forKey: .subject),
            from: from,
            sender: try container.decodeIfPresent([Address].self, forKey: .sender) ?? [],
            replyTo: try container.decodeIfPresent([Address].self, forKey: .replyTo) ?? [],
            to: try container.decodeIfPresent([Address].self, forKey: .to) ?? [],
            cc: try container.decodeIfPresent([Address].self, forKey: .cc) ?? [],
            bcc: try container.decodeIfPresent([Address].self, forKey: .bcc) ?? [],
            inReplyTo: try container.decodeIfPresent(String.self, forKey: .inReplyTo),
            messageID: try container.decodeIfPresent(String.self, forKey: .messageID))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(date, forKey: .date)
        try container.encodeIfPresent(subject, forKey: .subject)
        if !from.isEmpty { try container.encode(from, forKey: .from) }
        if sender != from { try container.encode(sender, forKey: .sender) }
        if replyTo != from { try container.encode(replyTo, forKey: .replyTo) }
        if !to.isEmpty { try container.encode(to, forKey: .to) }
        if !cc.isEmpty { try container.encode(cc, forKey: .cc) }
        if !bcc.isEmpty { try container.encode(bcc, forKey: .bcc) }
        try container.encodeIfPresent(inReplyTo, forKey: .inReplyTo)
        try container.encodeIfPresent(messageID, forKey: .messageID)
    }
}
