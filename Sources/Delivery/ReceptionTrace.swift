// The trace fields a receiving server adds: RFC 5321 §4.4 (Received, Return-Path) and
// RFC 9228 (Delivered-To).
import Foundation

/// What the receiving session knew about the message's arrival.
public struct ReceptionTrace: Sendable, Equatable {
    public var heloName: String?
    public var remoteAddress: String
    /// RFC 3848 WITH value: ESMTP, ESMTPS, ESMTPSA, LMTP, …
    public var protocolName: String
    /// "TLSv1.3 cipher=TLS_AES_256_GCM_SHA384" when TLS was used.
    public var tlsDescription: String?
    public var authenticatedUser: String?
    public var traceID: String
    public var receivedAt: Date

    public init(heloName: String?, remoteAddress: String, protocolName: String, tlsDescription: String? = nil,
                authenticatedUser: String? = nil, traceID: String, receivedAt: Date = Date()) {
        self.heloName = heloName
        self.remoteAddress = remoteAddress
        self.protocolName = protocolName
        self.tlsDescription = tlsDescription
        self.authenticatedUser = authenticatedUser
        self.traceID = traceID
        self.receivedAt = receivedAt
    }

    /// A fresh random trace id: 16 lower-case base-32 characters, unique enough to grep logs by.
    public static func makeTraceID() -> String {
        // Two 64-bit draws, five bits per character (80 of the 128 bits): each `next()` is a
        // getrandom system call, and one per character was 16 calls per message (issue 8).
        var generator = SystemRandomNumberGenerator()
        var bits = (generator.next() as UInt64, generator.next() as UInt64)
        var id: [UInt8] = []
        id.reserveCapacity(16)
        for index in 0..<16 {
            let value: UInt64
            if index < 8 {
                value = bits.0 & 31
                bits.0 >>= 5
            } else {
                value = bits.1 & 31
                bits.1 >>= 5
            }
            id.append(traceAlphabet[Int(value)])
        }
        return String(decoding: id, as: UTF8.self)
    }

    private static let traceAlphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    /// RFC 5321 §4.4 Time-stamp-line:
    /// `Received: from <helo> ([<ip>]) by <host> with <protocol> id <id> [for <rcpt>]; <date>`.
    /// The "for" clause names the recipient only when there is one (it is shared content otherwise,
    /// and naming every list member would disclose the list).
    public func receivedField(byHost hostname: String, singleRecipient: String?) -> String {
        var field = "Received: from \(sanitized(heloName ?? "unknown")) ([\(sanitized(remoteAddress))])\r\n"
        field += "\tby \(hostname) (Facteur) with \(protocolName)"
        if let tlsDescription { field += "\r\n\t(\(tlsDescription))" }
        field += "\r\n\tid \(traceID)"
        if let singleRecipient { field += "\r\n\tfor <\(sanitized(singleRecipient))>" }
        field += "; \(Self.rfc5322Date(receivedAt))\r\n"
        return field
    }

    /// Return-Path and Delivered-To: the per-recipient prefix of a stored message.
    public static func deliveryPrefix(reversePath: String, deliveredTo: String) -> [UInt8] {
        let text = "Return-Path: <\(sanitized(reversePath))>\r\nDelivered-To: \(sanitized(deliveredTo))\r\n"
        return Array(text.utf8)
    }

    /// RFC 5322 §3.3 date-time in UTC: "Sun, 29 Nov 2026 23:59:01 +0000".
    /// Computed from the day count (Gregorian rules; Foundation switches to the Julian calendar
    /// before October 1582, which no reception time reaches) rather than
    /// through `Calendar`, which cost about 1 % of a delivery's CPU (issue 8); ReceptionTraceTests
    /// compares both on a table of dates.
    public static func rfc5322Date(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970.rounded(.down)
        // Bounded so the conversion cannot trap (about ±31 million years).
        let seconds = interval.isFinite ? Int64(min(max(interval, -1e15), 1e15)) : 0
        let (days, secondOfDay) = floorDivision(seconds, 86_400)
        let (year, month, day) = civilDate(daysSince1970: days)
        // 1970-01-01 was a Thursday (index 4 from Sunday).
        let weekday = Int(floorDivision(days + 4, 7).remainder)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let hour = secondOfDay / 3600, minute = secondOfDay % 3600 / 60, second = secondOfDay % 60
        return "\(dayNames[weekday]), \(two(day)) \(monthNames[Int(month) - 1]) \(year) \(two(hour)):\(two(minute)):\(two(second)) +0000"
    }

    private static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Quotient and remainder rounded toward negative infinity (dates before 1970 included).
    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let quotient = value / divisor, remainder = value % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    /// Year, month (1-12) and day of a day count since 1970-01-01: the days are counted in 400-year
    /// eras starting on 1 March, so the leap day falls at the end of each counted year.
    private static func civilDate(daysSince1970: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = daysSince1970 + 719_468                   // days since 0000-03-01
        let era = floorDivision(shifted, 146_097).quotient
        let dayOfEra = shifted - era * 146_097                   // 0...146096
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153                // 0 = March
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// The Calendar-based form this replaced; tests compare the two.
    static func rfc5322DateWithCalendar(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? .current
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let weekday = days[((c.weekday ?? 1) - 1) % 7]
        let month = months[((c.month ?? 1) - 1) % 12]
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(weekday), \(two(c.day)) \(month) \(c.year ?? 1970) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }
}

/// Client-supplied text placed in a header must not be able to start a new header line.
private func sanitized(_ text: String) -> String {
    // The usual case, nothing to remove (at most 255 octets is at most 255 scalars): no rebuild.
    if text.utf8.count <= 255, !text.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) { return text }
    return String(text.unicodeScalars.filter { $0 != "\r" && $0 != "\n" && $0 != "\0" }.prefix(255).map(Character.init))
}
