import Foundation

/// A Date header value as an instant plus the sender's zone offset. IMAP SEARCH SENTON/SENTBEFORE
/// compare the date "disregarding time and timezone" (RFC 9051 §6.4.4), which needs the offset.
public struct MessageDate: Sendable, Codable, Hashable {
    public var date: Date
    /// Offset from UTC in seconds as written (`+0200` → 7200); 0 when the zone was missing or unknown.
    public var timeZoneOffset: Int

    public init(date: Date, timeZoneOffset: Int) {
        self.date = date
        self.timeZoneOffset = timeZoneOffset
    }

    /// Parses an RFC 5322 §3.3 date-time, leniently (obsolete forms of §4.3, missing weekday or
    /// seconds, comments, asctime order). Nil for text that holds no recognisable date.
    public init?(parsing value: String) {
        guard let parsed = DateParser.parse(Array(value.utf8)) else { return nil }
        self = parsed
    }

    /// Calendar day in the sender's zone, as SENTON/SENTSINCE need it.
    public var day: (year: Int, month: Int, day: Int) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + timeZoneOffset
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        return DateParser.civilDate(fromDays: days)
    }

    enum CodingKeys: String, CodingKey { case date = "t", timeZoneOffset = "z" }

    // Encoded as seconds since 1970 so any JSON date strategy reads it back identically.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        date = Date(timeIntervalSince1970: try container.decode(Double.self, forKey: .date))
        timeZoneOffset = try container.decode(Int.self, forKey: .timeZoneOffset)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(date.timeIntervalSince1970, forKey: .date)
        try container.encode(timeZoneOffset, forKey: .timeZoneOffset)
    }
}
