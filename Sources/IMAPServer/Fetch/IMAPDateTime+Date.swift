// Stored dates (Foundation `Date`) to the wire form of INTERNALDATE and SAVEDATE.

import Foundation

extension IMAPDateTime {
    /// `date` in UTC ("+0000"). nil only outside years 1...9999, which a stored date never is.
    public init?(utc date: Date) {
        let interval = date.timeIntervalSince1970
        guard interval.isFinite, abs(interval) < 300_000_000_000 else { return nil }   // Int64-safe
        let seconds = Int64(interval.rounded(.down))
        let (days, secondOfDay) = (seconds.quotientAndRemainder(dividingBy: 86_400))
        let dayNumber = secondOfDay < 0 ? days - 1 : days
        let second = Int(secondOfDay < 0 ? secondOfDay + 86_400 : secondOfDay)
        // Civil from days (proleptic Gregorian), Howard Hinnant's algorithm: the inverse of
        // `secondsSince1970`.
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = Int(yoe + era * 400 + (month <= 2 ? 1 : 0))
        guard let calendarDate = IMAPDate(year: year, month: month, day: day) else { return nil }
        self.init(date: calendarDate, hour: second / 3600, minute: second % 3600 / 60, second: second % 60,
                  zoneMinutes: 0)
    }
}
