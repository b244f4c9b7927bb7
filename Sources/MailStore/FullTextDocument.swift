// What the full-text index holds for one message: the same folded text the IMAP matcher compares
// SEARCH BODY/TEXT strings against (MessageSearchText), computed once when the message is stored.
import Foundation
import MailMessage

/// The searchable text of one message, in two columns: BODY searches `body`, TEXT both. Built only
/// when the matcher would read the message whole (no header or text part cut at a read limit), so
/// every string the matcher can find is in here; larger messages are left to the matcher alone.
struct FullTextDocument: Sendable, Equatable {
    /// The message header (prefix lines included, as a client reads them), then the MIME headers of
    /// its parts and attached messages.
    var header: String
    /// The text parts, decoded and folded, one after the other.
    var body: String

    /// Raw text-part octets indexed per message at most: newsletters are ~100 KB; a message with
    /// more text is searched by the matcher instead (its result is the same, only slower).
    static let maximumTextOctets = 1 << 20

    /// The document of a message, or nil when it is too large to index faithfully. `knownBody` is
    /// the `body` of a document made from the same content and summary (another account's copy of
    /// one delivery): it depends on neither the prefix nor the account, so it is not folded again.
    init?(prefix: [UInt8], content: [UInt8], summary: MessageSummary, knownBody: String? = nil) {
        let source = Octets(prefix: prefix, content: content)
        let headerLength = prefix.count + max(0, summary.headerLength)
        guard headerLength <= MessageSearchText.maximumHeaderOctets else { return nil }
        let root = summary.bodyStructure
        let parts = MessageSearchText.textParts(of: root)
        let partHeaders = MessageSearchText.partHeaderRanges(of: root)
        var textOctets = 0
        for part in parts { textOctets += source.clampedCount(source.shifted(part.bodyRange)) }
        guard textOctets <= Self.maximumTextOctets else { return nil }
        for range in partHeaders
        where source.clampedCount(source.shifted(range)) > MessageSearchText.maximumHeaderOctets {
            return nil
        }
        var header = MessageSearchText.joined(MessageSearchText.fields(of: source.octets(0..<headerLength)))
        for range in partHeaders {
            header.append(UInt8(ascii: "\n"))
            header += MessageSearchText.joined(MessageSearchText.fields(of: source.octets(source.shifted(range))))
        }
        self.header = Self.text(header)
        if let knownBody {
            self.body = knownBody
            return
        }
        var body: [UInt8] = []
        for part in parts {
            if !body.isEmpty { body.append(UInt8(ascii: "\n")) }
            body += MessageSearchText.foldedText(of: part, raw: source.octets(source.shifted(part.bodyRange)))
        }
        self.body = Self.text(body)
    }

    /// The summary stored with the message, or a fresh parse when it has none: the same fallback the
    /// IMAP reader uses, so both see the same tree.
    init?(prefix: [UInt8], content: [UInt8], metadata: Data) {
        self.init(prefix: prefix, content: content, summary: Self.summary(content: content, metadata: metadata))
    }

    static func summary(content: [UInt8], metadata: Data) -> MessageSummary {
        if !metadata.isEmpty, let stored = try? MessageSummary.decode(metadata) { return stored }
        return MessageParser.parse(content).summary
    }

    /// NUL becomes a space: SQLite text functions may stop at NUL, and a search string with a NUL
    /// never uses the index, so nothing that could match is lost.
    private static func text(_ folded: [UInt8]) -> String {
        String(decoding: folded.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    }

    /// `prefix + content` read the way the IMAP reader reads it (ranges clamped to the message),
    /// without concatenating a large message.
    private struct Octets {
        let prefix: [UInt8]
        let content: [UInt8]
        var count: Int { prefix.count + content.count }

        /// Summary ranges address the content; a client sees `prefix + content`.
        func shifted(_ range: Range<Int>) -> Range<Int> {
            let lower = max(0, range.lowerBound) + prefix.count
            return lower..<(lower + max(0, range.count))
        }

        func clamped(_ range: Range<Int>) -> Range<Int> {
            let lower = min(max(range.lowerBound, 0), count)
            return lower..<min(max(range.upperBound, lower), count)
        }

        func clampedCount(_ range: Range<Int>) -> Int { clamped(range).count }

        func octets(_ range: Range<Int>) -> [UInt8] {
            let range = clamped(range)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(range.count)
            if range.lowerBound < prefix.count {
                bytes += prefix[range.lowerBound..<min(range.upperBound, prefix.count)]
            }
            if range.upperBound > prefix.count {
                bytes += content[(max(range.lowerBound, prefix.count) - prefix.count)..<(range.upperBound - prefix.count)]
            }
            return bytes
        }
    }
}
