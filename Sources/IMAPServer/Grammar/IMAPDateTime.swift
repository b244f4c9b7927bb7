// INTERNALDATE values: "17-Jul-1996 02:44:25 -0700".

/// A date, time of day and zone offset (RFC 9051 `date-time`), used for APPEND's internal date
/// and FETCH INTERNALDATE / SAVEDATE.
public struct IMAPDateTime: Sendable, Hashable, CustomStringConvertible {
    public let date: IMAPDate
    public let hour: Int
    public let minute: Int
    public let second: Int
    /// Minutes east of UTC: "-0700" is -420.
    public let zoneMinutes: Int

    public init?(date: IMAPDate, hour: Int, minute: Int, second: Int, zoneMinutes: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
              (-5999...5999).contains(zoneMinutes) else { return nil }
        self.date = date
        self.hour = hour
        self.minute = minute
        self.second = second
        self.zoneMinutes = zoneMinutes
    }

    /// Seconds since 1970-01-01T00:00:00Z, for the store.
    public var secondsSince1970: Int64 {
        // Days from civil (proleptic Gregorian), Howard Hinnant's well-known algorithm.
        let y = date.month <= 2 ? date.year - 1 : date.year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (date.month + 9) % 12
        let doy = (153 * mp + 2) / 5 + date.day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = Int64(era * 146_097 + doe - 719_468)
        return days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(zoneMinutes * 60)
    }

    /// The quoted wire form's content: `date-day-fixed "-" date-month "-" date-year SP time SP zone`.
    public var description: String {
        let day = date.day < 10 ? " \(date.day)" : "\(date.day)"
        let sign = zoneMinutes < 0 ? "-" : "+"
        let zone = abs(zoneMinutes)
        return "\(day)-\(IMAPDate.monthNames[date.month - 1])-\(date.year) \(Self.two(hour)):\(Self.two(minute)):\(Self.two(second)) \(sign)\(Self.two(zone / 60))\(Self.two(zone % 60))"
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// `description` between double quotes, appended octet by octet: FETCH INTERNALDATE of a large
    /// mailbox writes one per message, and the interpolated String cost 5 % of such a FETCH.
    func appendQuoted(to bytes: inout [UInt8]) {
        func two(_ value: Int) {
            bytes.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value / 10 % 10))
            bytes.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value % 10))
        }
        bytes.append(UInt8(ascii: "\""))
        if date.day < 10 {
            bytes.append(UInt8(ascii: " "))
            bytes.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: date.day))
        } else {
            two(date.day)
        }
        bytes.append(UInt8(ascii: "-"))
        bytes.append(contentsOf: IMAPDate.monthNames[date.month - 1].utf8)
        bytes.append(UInt8(ascii: "-"))
        if (1000...9999).contains(date.year) {
            two(date.year / 100)
            two(date.year % 100)
        } else {
            bytes.append(contentsOf: String(date.year).utf8)
        }
        bytes.append(UInt8(ascii: " "))
        two(hour)
        bytes.append(UInt8(ascii: ":"))
        two(minute)
        bytes.append(UInt8(ascii: ":"))
        two(second)
        bytes.append(UInt8(ascii: " "))
        bytes.append(UInt8(ascii: zoneMinutes < 0 ? "-" : "+"))
        let zone = abs(zoneMinutes)
        two(zone / 60)
        two(zone % 60)
        bytes.append(UInt8(ascii: "\""))
    }
}

extension IMAPParseCursor {
    // date-time       = DQUOTE date-day-fixed "-" date-month "-" date-year
    //                   SP time SP zone DQUOTE
    // date-day-fixed  = (SP DIGIT) / 2DIGIT
    // time            = 2DIGIT ":" 2DIGIT ":" 2DIGIT
    // zone            = ("+" / "-") 4DIGIT                               (RFC 9051 §9)
    mutating func parseDateTime() throws(IMAPParseError) -> IMAPDateTime {
        try expect(UInt8(ascii: "\""), "a quoted date-time")
        _ = consume(UInt8(ascii: " "))
        // A one-digit day is accepted too: several clients send "1-Jan-2024 ...".
        let day = try parseFixedDigits(min: 1, max: 2, what: "a day of month")
        try expect(UInt8(ascii: "-"), "\"-\" in a date-time")
        let month = try parseDateMonth()
        try expect(UInt8(ascii: "-"), "\"-\" in a date-time")
        let year = try parseFixedDigits(min: 4, max: 4, what: "a four-digit year")
        try expectSpace()
        let hour = try parseFixedDigits(min: 2, max: 2, what: "two-digit hours")
        try expect(UInt8(ascii: ":"), "\":\" in a time")
        let minute = try parseFixedDigits(min: 2, max: 2, what: "two-digit minutes")
        try expect(UInt8(ascii: ":"), "\":\" in a time")
        let second = try parseFixedDigits(min: 2, max: 2, what: "two-digit seconds")
        try expectSpace()
        let negative: Bool
        if consume(UInt8(ascii: "-")) { negative = true } else { try expect(UInt8(ascii: "+"), "a zone (+hhmm or -hhmm)"); negative = false }
        let zone = try parseFixedDigits(min: 4, max: 4, what: "a four-digit zone")
        try expect(UInt8(ascii: "\""), "closing quote of the date-time")
        guard zone % 100 < 60, let date = IMAPDate(year: year, month: month, day: day),
              let dateTime = IMAPDateTime(date: date, hour: hour, minute: minute, second: second,
                                          zoneMinutes: (negative ? -1 : 1) * (zone / 100 * 60 + zone % 100)) else {
            throw error("invalid date-time")
        }
        return dateTime
    }
}
