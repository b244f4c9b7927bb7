// The mboxrd variant of mbox: each message starts with a "From " separator line, and every body
// line matching ^>*From  gains one ">" on export and loses one on import, so any message survives
// a round trip. Lines end in LF inside the file; stored messages use CRLF (RFC 5322 §2.1).
import Foundation

enum MboxFormat {
    /// "From MAILER-DAEMON Sun Nov 29 23:59:01 2026\n" — the sender and an asctime date.
    static func separatorLine(sender: String, date: Date) -> [UInt8] {
        let sender = sender.isEmpty ? "MAILER-DAEMON" : sender.filter { !$0.isWhitespace }
        return Array("From \(sender) \(asctime(date))\n".utf8)
    }

    /// The stored CRLF message as mboxrd lines: CRLF → LF, From-quoting, a final empty line.
    static func encode(message: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(message.count + 64)
        var lineStart = 0
        var index = 0
        while index <= message.count {
            let atEnd = index == message.count
            if atEnd || message[index] == UInt8(ascii: "\n") {
                var lineEnd = index
                if lineEnd > lineStart, message[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                if !(atEnd && lineStart == index) {
                    if isQuotableFromLine(message[lineStart..<lineEnd]) { output.append(UInt8(ascii: ">")) }
                    output.append(contentsOf: message[lineStart..<lineEnd])
                    output.append(UInt8(ascii: "\n"))
                }
                lineStart = index + 1
            }
            index += 1
        }
        output.append(UInt8(ascii: "\n"))
        return output
    }

    /// One message's mboxrd lines (without its separator) back to CRLF bytes.
    static func decode(lines: [ArraySlice<UInt8>]) -> [UInt8] {
        var lines = lines
        // The empty line before the next separator belongs to the file format, not the message.
        if let last = lines.last, last.isEmpty { lines.removeLast() }
        var output: [UInt8] = []
        output.reserveCapacity(lines.reduce(0) { $0 + $1.count + 2 })
        for line in lines {
            var line = line
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.first == UInt8(ascii: ">"), isQuotableFromLine(line.dropFirst()) { line = line.dropFirst() }
            output.append(contentsOf: line)
            output.append(contentsOf: [13, 10])
        }
        return output
    }

    /// ^>*From  (mboxrd).
    static func isQuotableFromLine(_ line: ArraySlice<UInt8>) -> Bool {
        var rest = line.drop(while: { $0 == UInt8(ascii: ">") })
        guard rest.count >= 5 else { return false }
        rest = rest.prefix(5)
        return Array(rest) == Array("From ".utf8)
    }

    static func isSeparator(_ line: ArraySlice<UInt8>) -> Bool {
        line.count >= 5 && Array(line.prefix(5)) == Array("From ".utf8)
    }

    /// The date of a separator line ("From sender Sun Nov 29 23:59:01 2026"), if it parses.
    static func date(ofSeparator line: ArraySlice<UInt8>) -> Date? {
        let words = String(decoding: line, as: UTF8.self).split(separator: " ", omittingEmptySubsequences: true)
        guard words.count >= 7 else { return nil }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let tail = Array(words.suffix(5))   // Www Mmm dd hh:mm:ss yyyy
        guard let month = months.firstIndex(of: String(tail[1])), let day = Int(tail[2]), let year = Int(tail[4]) else { return nil }
        let time = tail[3].split(separator: ":").compactMap { Int($0) }
        guard time.count == 3 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? .current
        return calendar.date(from: DateComponents(year: year, month: month + 1, day: day,
                                                  hour: time[0], minute: time[1], second: time[2]))
    }

    /// asctime(3) format in UTC: "Sun Nov 29 23:59:01 2026".
    static func asctime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? .current
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        let day = c.day.map { $0 < 10 ? " \($0)" : "\($0)" } ?? " 1"
        return "\(days[((c.weekday ?? 1) - 1) % 7]) \(months[((c.month ?? 1) - 1) % 12]) \(day) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) \(c.year ?? 1970)"
    }

    /// Flags from the Status and X-Status fields that mutt, Thunderbird and Dovecot write.
    static func flags(fromHeaderOf message: [UInt8]) -> [String] {
        var flags: [String] = []
        let headerEnd = message.firstRange(of: [13, 10, 13, 10])?.lowerBound ?? message.count
        let header = String(decoding: message[..<headerEnd], as: UTF8.self)
        for line in header.split(separator: "\r\n") {
            let lower = line.lowercased()
            if lower.hasPrefix("status:") {
                if line.dropFirst(7).contains("R") { flags.append("\\Seen") }
            } else if lower.hasPrefix("x-status:") {
                let value = line.dropFirst(9)
                if value.contains("A") { flags.append("\\Answered") }
                if value.contains("F") { flags.append("\\Flagged") }
                if value.contains("D") { flags.append("\\Deleted") }
                if value.contains("T") { flags.append("\\Draft") }
            }
        }
        return flags
    }
}
