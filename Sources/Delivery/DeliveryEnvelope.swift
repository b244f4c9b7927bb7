// The SMTP envelope stored with each delivered copy: what a delivery status notification
// (RFC 3461) or an audit needs long after the session is gone.
import Foundation

public struct DeliveryEnvelope: Sendable, Equatable, Codable {
    public struct Recipient: Sendable, Equatable, Codable {
        public var address: String
        /// NOTIFY=SUCCESS,FAILURE,DELAY | NEVER (RFC 3461 §4.1)
        public var notify: String?
        /// ORCPT=addr-type;address (RFC 3461 §4.2)
        public var originalRecipient: String?
        public init(address: String, notify: String? = nil, originalRecipient: String? = nil) {
            self.address = address
            self.notify = notify
            self.originalRecipient = originalRecipient
        }
    }

    public var reversePath: String
    /// BODY=7BIT|8BITMIME|BINARYMIME
    public var body: String?
    public var smtpUTF8: Bool
    /// RET=FULL|HDRS and ENVID (RFC 3461 §4.3, §4.4)
    public var dsnReturn: String?
    public var dsnEnvelopeID: String?
    public var recipients: [Recipient]

    public init(reversePath: String, body: String? = nil, smtpUTF8: Bool = false, dsnReturn: String? = nil,
                dsnEnvelopeID: String? = nil, recipients: [Recipient]) {
        self.reversePath = reversePath
        self.body = body
        self.smtpUTF8 = smtpUTF8
        self.dsnReturn = dsnReturn
        self.dsnEnvelopeID = dsnEnvelopeID
        self.recipients = recipients
    }

    /// The envelope as stored with one account's copy: only the recipient that reached it.
    func stored(for recipientIndex: Int) -> Data {
        var copy = self
        copy.recipients = recipients.indices.contains(recipientIndex) ? [recipients[recipientIndex]] : []
        return Data(copy.sortedKeyJSON())
    }

    /// What `stored(for:)` wrote before the hand-written encoder; tests compare the two.
    func storedWithJSONEncoder(for recipientIndex: Int) -> Data {
        var copy = self
        copy.recipients = recipients.indices.contains(recipientIndex) ? [recipients[recipientIndex]] : []
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(copy)) ?? Data()
    }

    public static func decode(_ data: Data) throws -> DeliveryEnvelope {
        try JSONDecoder().decode(DeliveryEnvelope.self, from: data)
    }
}
