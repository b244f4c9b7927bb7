// What SORT and THREAD compare (RFC 5256, RFC 5957), computed once from a message's summary at
// delivery so the store can keep it in narrow columns and no SORT decodes a summary again.

import Foundation

/// The header-derived sort and thread keys of one message. String keys are already collated
/// (`SortCollation.key`), so comparing two keys is comparing octets. Public because the store
/// writes them and the IMAP server reads them; a value type so it crosses tasks freely.
public struct MessageSortKeys: Sendable, Equatable, Codable {
    /// Bumped whenever the rule behind a key changes (collation, base subject, display name):
    /// stored keys of another version are recomputed from the summary, never compared as they are.
    public static let version = 1

    /// RFC 5256 §2.2: the Date header as an instant; nil when missing or unparsable, and the
    /// reader then uses the internal date.
    public var sentDate: Date?
    /// RFC 5256 §2.1 base subject, collated.
    public var subject: [UInt8]
    /// True when base subject extraction removed a reply or forward artifact (THREAD step 5).
    public var isReplyOrForward: Bool
    /// RFC 5256 §3: addr-mailbox of the first From, To and Cc address, collated (empty: none).
    public var from: [UInt8]
    public var to: [UInt8]
    public var cc: [UInt8]
    /// RFC 5957 §3: the display value of the first From and To address, collated.
    public var displayFrom: [UInt8]
    public var displayTo: [UInt8]
    /// The normalized Message-ID (ThreadMessageID), nil when absent or invalid.
    public var messageID: String?
    /// RFC 5256 §3 REFERENCES: the References ids, or else the first In-Reply-To id.
    public var references: [String]

    public init(sentDate: Date? = nil, subject: [UInt8] = [], isReplyOrForward: Bool = false,
                from: [UInt8] = [], to: [UInt8] = [], cc: [UInt8] = [],
                displayFrom: [UInt8] = [], displayTo: [UInt8] = [],
                messageID: String? = nil, references: [String] = []) {
        self.sentDate = sentDate
        self.subject = subject
        self.isReplyOrForward = isReplyOrForward
        self.from = from
        self.to = to
        self.cc = cc
        self.displayFrom = displayFrom
        self.displayTo = displayTo
        self.messageID = messageID
        self.references = references
    }

    /// The keys of a message from its delivery summary (the same rules SORT applied to the
    /// summary before the keys were stored, so stored and recomputed keys always agree).
    public init(summary: MessageSummary) {
        let envelope = summary.envelope
        // RFC 5256 §3: "addr-mailbox of the first ... address"; absent is the empty string.
        func mailbox(_ addresses: [Address]) -> [UInt8] { SortCollation.key(addresses.first?.localPart ?? "") }
        var references = ThreadMessageID.all(in: summary.search.references)
        if references.isEmpty, let parent = envelope.inReplyTo.flatMap(ThreadMessageID.first(in:)) {
            references = [parent]
        }
        let base = BaseSubject(summary.search.subject)
        self.init(sentDate: summary.search.sentDate?.date,
                  subject: SortCollation.key(base.text), isReplyOrForward: base.isReplyOrForward,
                  from: mailbox(envelope.from), to: mailbox(envelope.to), cc: mailbox(envelope.cc),
                  displayFrom: SortCollation.key(Self.displayValue(envelope.from)),
                  displayTo: SortCollation.key(Self.displayValue(envelope.to)),
                  messageID: envelope.messageID.flatMap(ThreadMessageID.first(in:)), references: references)
    }

    /// RFC 5957 §3: the decoded display name of the first address, else mailbox@host, else the
    /// mailbox, else empty.
    public static func displayValue(_ addresses: [Address]) -> String {
        guard let first = addresses.first else { return "" }
        if let name = first.displayName {
            let decoded = EncodedWord.decode(name)
            if !decoded.isEmpty { return decoded }
        }
        if let local = first.localPart, let domain = first.domain { return "\(local)@\(domain)" }
        return first.localPart ?? ""
    }
}
