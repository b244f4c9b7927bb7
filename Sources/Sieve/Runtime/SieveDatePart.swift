import Foundation

/// RFC 5260 §4.2 date parts, extracted from an instant seen in a given zone offset.
enum SieveDatePart: String, Sendable, CaseIterable {
    case year, month, day, date, julian, hour, minute, second, time, iso8601, std11, zone, weekday

    /// "+hhmm" / "-hhmm" (RFC 5260 §4.1 :zone) to seconds east of UTC.
    static func zoneOffset(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 5, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"),
              bytes[1...].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let digits = bytes[1...].map { Int($0 - 0x30) }
        let hours = digits[0] * 10 + digits[1]
        let minutes = digits[2] * 10 + digits[3]
        guard hours <= 23, minutes <= 59 else { return nil }
        let seconds = hours * 3600 + minutes * 60
        return bytes[0] == UInt8(ascii: "-") ? -seconds : seconds
    }

    static func zoneText(_ offset: Int) -> String {
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        return sign + pad(minutes / 60, 2) + pad(minutes % 60, 2)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (the civil-from-days algorithm).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The value of this part for `date` in the zone `offset` (seconds east of UTC).
    func value(of date: Date, offset: Int) -> String {
        // Clamp to ±100,000 years so a hostile or broken instant cannot trap the Int conversion.
        let seconds = date.timeIntervalSince1970
        let bounded = seconds.isFinite ? min(max(seconds, -3.2e12), 3.2e12) : 0
        let local = Int(bounded.rounded(.down)) + offset
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondsOfDay = local - days * 86_400
        let (year, month, day) = Self.civil(fromDays: days)
        let hour = secondsOfDay / 3600, minute = secondsOfDay / 60 % 60, second = secondsOfDay % 60
        let pad = Self.pad
        switch self {
        case .year: return pad(year, 4)
        case .month: return pad(month, 2)
        case .day: return pad(day, 2)
        case .date: return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
        case .julian: return String(days + 40_587)   // Modified Julian Day: 1970-01-01 is 40587
        case .hour: return pad(hour, 2)
        case .minute: return pad(minute, 2)
        case .second: return pad(second, 2)
        case .time: return "\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
        case .iso8601:
            let zone = Self.zoneText(offset)
            return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):"
                + "\(pad(second, 2))\(zone.prefix(3)):\(zone.suffix(2))"
        case .std11:
            let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            return "\(weekdays[Self.weekday(days)]), \(day) \(months[month - 1]) \(pad(year, 4)) "
                + "\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)) \(Self.zoneText(offset))"
        case .zone: return Self.zoneText(offset)
        case .weekday: return String(Self.weekday(days))
        }
    }

    /// 0 = Sunday (RFC 5260 §4.2); 1970-01-01 was a Thursday.
    private static func weekday(_ days: Int) -> Int { ((days % 7) + 7 + 4) % 7 }
}
