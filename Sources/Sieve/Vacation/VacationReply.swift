import Foundation
import MailMessage

/// The auto-reply a vacation action sends once `VacationPolicy` said yes (RFC 5230 §5): the bytes to
/// queue, sent with the null reverse-path so it can never cause a bounce loop.
public struct VacationReply: Sendable, Hashable {
    /// RFC 5230 §5.1: MAIL FROM <> (and NOTIFY=NEVER where DSN is offered).
    public var envelopeFrom: String { "" }
    public var recipient: String
    /// The whole RFC 5322 message, CRLF line ends.
    public var message: [UInt8]

    /// - Parameters:
    ///   - owner: the script owner's address, the From unless :from overrides it (RFC 5230 §5.4).
    ///   - messageID: a fresh Message-ID for the reply, with angle brackets.
    public init(vacation: SieveVacation, recipient: String, subject: String, owner: String,
                originalHeader: HeaderFields, date: Date, messageID: String) {
        self.recipient = recipient
        var lines: [String] = []
        lines.append("From: " + Self.clean(vacation.from ?? owner))
        lines.append("To: " + Self.clean(recipient))
        lines.append("Subject: " + Self.encodeIfNeeded(Self.clean(subject)))
        lines.append("Date: " + SieveDatePart.std11.value(of: date, offset: 0))       // RFC 5230 §5.2
        lines.append("Message-ID: " + Self.clean(messageID))
        if let original = originalHeader.value(of: "Message-ID").map(Self.clean), !original.isEmpty {
            // RFC 5230 §5.8 and RFC 5322 §3.6.4
            lines.append("In-Reply-To: " + original)
            let previous = originalHeader.value(of: "References").map(Self.clean)
                ?? originalHeader.value(of: "In-Reply-To").map(Self.clean)
            let references = [previous, original].compactMap { $0 }.filter { !$0.isEmpty }
            lines.append("References: " + references.joined(separator: " ").suffix(900))
        }
        lines.append("Auto-Submitted: auto-replied")                                      // RFC 5230 §5.6, RFC 3834 §5
        lines.append("MIME-Version: 1.0")
        var text = lines.joined(separator: "\r\n") + "\r\n"
        let reason = Self.crlf(vacation.reason)
        if vacation.isMIME {
            // RFC 5230 §4.8: with :mime the reason is a MIME entity, its own header first.
            text += reason
        } else {
            text += "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + reason
        }
        if !text.hasSuffix("\r\n") { text += "\r\n" }
        message = Array(text.utf8)
    }

    /// No CR or LF may reach a header line from script or message text.
    private static func clean(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0 != "\r" && $0 != "\n" }).trimmingCharacters(in: .whitespaces)
    }

    private static func crlf(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
    }

    /// RFC 2047 §4.1 B-encoding for non-ASCII subjects, in words short enough for §2's 75 octets.
    static func encodeIfNeeded(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x80 }) else { return text }
        var words: [String] = []
        var chunk = ""
        for character in text {
            if chunk.utf8.count + character.utf8.count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?" + Data($0.utf8).base64EncodedString() + "?=" }.joined(separator: " ")
    }
}
