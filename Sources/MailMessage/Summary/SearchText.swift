/// Decoded header text that IMAP SEARCH (RFC 9051 §6.4.4: SUBJECT, FROM, TO, CC, BCC, HEADER
/// Message-ID, SENT*) matches against, computed once so a search never parses stored messages.
public struct SearchText: Sendable, Codable, Equatable {
    /// Subject with RFC 2047 words decoded.
    public var subject: String
    /// Each address field's values, decoded, several occurrences joined by "\n".
    public var from: String
    public var to: String
    public var cc: String
    public var bcc: String
    public var messageID: String
    /// The parsed Date header (nil when absent or unparsable).
    public var sentDate: MessageDate?
    /// The References header as written (its last `maximumReferencesOctets`), for THREAD=REFERENCES
    /// (RFC 5256 §3) without reading the message; empty when absent. Rows of summary format 2
    /// have none.
    public var references: String

    /// A References header longer than this keeps its tail: the parent and nearest ancestors
    /// are last (RFC 5322 §3.6.4), and a cut first id is dropped when parsed, for it lacks its "<".
    public static let maximumReferencesOctets = 8 * 1024

    public init(subject: String = "", from: String = "", to: String = "", cc: String = "", bcc: String = "",
                messageID: String = "", sentDate: MessageDate? = nil, references: String = "") {
        self.subject = subject
        self.from = from
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.messageID = messageID
        self.sentDate = sentDate
        let bytes = references.utf8
        self.references = bytes.count <= Self.maximumReferencesOctets ? references
            : String(decoding: bytes.suffix(Self.maximumReferencesOctets), as: UTF8.self)
    }

    public init(header: HeaderFields) {
        // One pass over the fields; only fields carrying encoded words pay for decoding.
        var subject: String?, messageID: String?, date: String?, references: String?
        var from: [String] = [], to: [String] = [], cc: [String] = [], bcc: [String] = []
        for field in header where !field.isMalformed {
            switch field.name.utf8.count {
            case 2 where field.hasName("To"): to.append(EncodedWord.decode(field.value))
            case 2 where field.hasName("Cc"): cc.append(EncodedWord.decode(field.value))
            case 3 where field.hasName("Bcc"): bcc.append(EncodedWord.decode(field.value))
            case 4 where field.hasName("From"): from.append(EncodedWord.decode(field.value))
            case 4 where field.hasName("Date") && date == nil: date = field.value
            case 7 where field.hasName("Subject") && subject == nil: subject = EncodedWord.decode(field.value)
            case 10 where field.hasName("Message-ID") && messageID == nil: messageID = field.value
            case 10 where field.hasName("References") && references == nil: references = field.value
            default: break
            }
        }
        self.init(subject: subject ?? "", from: from.joined(separator: "\n"), to: to.joined(separator: "\n"),
                  cc: cc.joined(separator: "\n"), bcc: bcc.joined(separator: "\n"), messageID: messageID ?? "",
                  sentDate: date.flatMap(MessageDate.init(parsing:)), references: references ?? "")
    }

    enum CodingKeys: String, CodingKey {
        case subject = "s", from = "f", to = "t", cc = "c", bcc = "b", messageID = "m", sentDate = "d", references = "r"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(subject: try container.decodeIfPresent(String.self, forKey: .subject) ?? "",
                  from: try container.decodeIfPresent(String.self, forKey: .from) ?? "",
                  to: try container.decodeIfPresent(String.self, forKey: .to) ?? "",
                  cc: try container.decodeIfPresent(String.self, forKey: .cc) ?? "",
                  bcc: try container.decodeIfPresent(String.self, forKey: .bcc) ?? "",
                  messageID: try container.decodeIfPresent(String.self, forKey: .messageID) ?? "",
                  sentDate: try container.decodeIfPresent(MessageDate.self, forKey: .sentDate),
                  references: try container.decodeIfPresent(String.self, forKey: .references) ?? "")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        for (value, key) in [(subject, CodingKeys.subject), (from, .from), (to, .to), (cc, .cc), (bcc, .bcc),
                             (messageID, .messageID), (references, .references)] where !value.isEmpty {
            try container.encode(value, forKey: key)
        }
        try container.encodeIfPresent(sentDate, forKey: .sentDate)
    }
}
