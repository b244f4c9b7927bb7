// Parse once on the way in (DESIGN.md "The path of a message"): delivery, IMAP APPEND and import
// all prepare a message here, so everything a later FETCH, SEARCH or preview needs is computed the
// same way and stored beside the bytes. Lives in MailStore so every writer can share it.
import Foundation
import MailMessage

/// A message ready for `MailStore.append`: its content-addressed bytes and what parsing found.
public struct PreparedMessage: Sendable {
    public var content: MessageContent
    public var metadata: Data
    public var searchFields: SearchFields
    /// The Date: header, when it parsed; import uses it as the internal date when no better one exists.
    public var sentDate: Date?
    /// The parse itself, so the Sieve filter at delivery reads the same tree without parsing again.
    public var parsed: ParsedMessage
}

public enum MessagePreparer {
    public static func prepare(_ bytes: [UInt8]) -> PreparedMessage {
        let parsed = MessageParser.parse(bytes)
        let summary = parsed.summary
        return PreparedMessage(
            content: MessageContent(bytes: bytes),
            metadata: summary.encoded(),
            searchFields: SearchFields(summary),
            sentDate: summary.search.sentDate?.date,
            parsed: parsed)
    }
}

extension SearchFields {
    init(_ summary: MessageSummary) {
        let search = summary.search
        self.init(subject: search.subject, from: search.from, to: search.to, cc: search.cc, bcc: search.bcc,
                  messageIDHeader: search.messageID, sentDate: search.sentDate?.date,
                  sortKeys: MessageSortKeys(summary: summary))
    }
}
