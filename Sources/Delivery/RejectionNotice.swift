// RFC 5429 §2.1.2: when a Sieve reject cannot be given in the SMTP reply (an SMTP transaction
// with several recipients, some of whom accepted the message), the server accepts the message and
// sends the sender a non-delivery report (RFC 3464 DSN inside an RFC 6522 multipart/report).
import Foundation
import MailMessage

struct RejectionNotice: Sendable {
    /// The report, CRLF line ends, sent with the null reverse-path (RFC 3464 §2, RFC 5321 §4.5.5).
    let message: [UInt8]

    /// - Parameters:
    ///   - recipients: the refusing recipients (Final-Recipient of each per-recipient block).
    ///   - sender: the original envelope sender, the report's only recipient.
    ///   - originalHeader: the refused message's header, returned as text/rfc822-headers.
    init(reason: String, recipients: [String], sender: String, hostname: String, originalHeader: [UInt8],
         date: Date, messageID: String, boundary: String) {
        let host = Self.clean(hostname)
        var text = ""
        text += "From: Mail Delivery System <MAILER-DAEMON@\(host)>\r\n"
        text += "To: <\(Self.clean(sender))>\r\n"
        text += "Subject: Message refused by the recipient's mail filter\r\n"
        text += "Date: " + Self.dateFormatter(date) + "\r\n"
        text += "Message-ID: \(Self.clean(messageID))\r\n"
        text += "Auto-Submitted: auto-replied\r\n"                                   // RFC 3834 §5
        text += "MIME-Version: 1.0\r\n"
        text += "Content-Type: multipart/report; report-type=delivery-status; boundary=\"\(boundary)\"\r\n\r\n"
        // RFC 5429 §2.1.2: the human-readable part carries the reason and says a filter refused it.
        text += "--\(boundary)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        text += "Your message was refused by the recipient's mail filtering program.\r\n"
        text += "The reason given is as follows:\r\n\r\n"
        text += Self.crlf(reason) + "\r\n\r\n"
        // RFC 3464 §2.2 per-message and §2.3 per-recipient fields; Action "failed" (RFC 5429 §2.1.2).
        text += "--\(boundary)\r\nContent-Type: message/delivery-status\r\n\r\n"
        text += "Reporting-MTA: dns; \(host)\r\n"
        text += "Arrival-Date: " + Self.dateFormatter(date) + "\r\n"
        for recipient in recipients {
            text += "\r\nFinal-Recipient: rfc822; \(Self.clean(recipient))\r\n"
            text += "Action: failed\r\nStatus: 5.7.1\r\n"
        }
        text += "\r\n--\(boundary)\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        var header = String(decoding: originalHeader, as: UTF8.self)
        if !header.hasSuffix("\r\n") { header += "\r\n" }
        text += header
        text += "\r\n--\(boundary)--\r\n"
        message = Array(text.utf8)
    }

    /// RFC 5429 §2.1.1: SMTP reply text is US-ASCII; a reason that is not gets a fixed text.
    static func replyText(for reason: String) -> String {
        let flat = String(reason.unicodeScalars.map { $0 == "\r" || $0 == "\n" || $0 == "\t" ? " " : Character($0) })
            .trimmingCharacters(in: .whitespaces)
        let printable = flat.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
        guard printable, !flat.isEmpty else { return "Message refused by the recipient's mail filter" }
        return String(flat.prefix(400))
    }

    private static func clean(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0 != "\r" && $0 != "\n" })
    }

    private static func crlf(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
    }

    /// RFC 5322 §3.3 date-time in UTC.
    static func dateFormatter(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
