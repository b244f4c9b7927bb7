// Calendar dates of SEARCH (BEFORE, ON, SINCE, ...): "1-Feb-1994".

/// A date without time or zone, as SEARCH compares them (RFC 9051 §6.4.4: "disregarding time
/// and timezone"). Always a real calendar day.
public struct IMAPDate: Sendable, Hashable, CustomStringConvertible {
    public let year: Int
    /// 1 = January.
    public let month: Int
    public let day: Int

    /// nil for a day that does not exist (31-Apr, 29-Feb in a common year).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), (1...9999).contains(year),
              day >= 1, day <= Self.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `date-text`: "1-Feb-1994".
    public var description: String { "\(day)-\(Self.monthNames[month - 1])-\(year)" }
}

extension IMAPParseCursor {
    // date            = date-text / DQUOTE date-text DQUOTE
    // date-text       = date-day "-" date-month "-" date-year
    // date-day        = 1*2DIGIT
    // date-year       = 4DIGIT                                           (RFC 9051 §9)
    mutating func parseDate() throws(IMAPParseError) -> IMAPDate {
        let quoted = consume(UInt8(ascii: "\""))
        let day = try parseFixedDigits(min: 1, max: 2, what: "a day of month")
        try expect(UInt8(ascii: "-"), "\"-\" in a date")
        let month = try parseDateMonth()
        try expect(UInt8(ascii: "-"), "\"-\" in a date")
        let year = try parseFixedDigits(min: 4, max: 4, what: "a four-digit year")
        if quoted { try expect(UInt8(ascii: "\""), "closing quote of the date") }
        guard let date = IMAPDate(year: year, month: month, day: day) else { throw error("no such date") }
        return date
    }

    // date-month      = "Jan" / "Feb" / "Mar" / "Apr" / "May" / "Jun" /
    //                   "Jul" / "Aug" / "Sep" / "Oct" / "Nov" / "Dec"     (RFC 9051 §9)
    mutating func parseDateMonth() throws(IMAPParseError) -> Int {
        for (offset, name) in IMAPDate.monthNames.enumerated() where consumePrefix(name) {
            return offset + 1
        }
        throw error("expected a month name (Jan ... Dec)")
    }

    mutating func parseFixedDigits(min: Int, max: Int, what: String) throws(IMAPParseError) -> Int {
        var value = 0
        var count = 0
        while count < max, let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            count += 1
            index += 1
        }
        guard count >= min else { throw invalidCharacterError(expected: what) }
        return value
    }
}
