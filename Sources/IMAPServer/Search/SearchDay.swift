// SEARCH dates compare calendar days "disregarding time and timezone" (RFC 9051 §6.4.4), so
// every date is reduced to a day number: days since 1970-01-01 in the proleptic Gregorian calendar.

import Foundation
import MailMessage

enum SearchDay {
    /// Day number of a civil date (the usual era-based conversion: 400-year eras of 146,097 days).
    static func number(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let monthFromMarch = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func number(_ date: IMAPDate) -> Int {
        number(year: date.year, month: date.month, day: date.day)
    }

    /// The internal date's day in UTC: the store keeps instants, not the zone of the APPEND or the
    /// delivery, and the server's zone is UTC in deployment, so UTC is the server's time zone here.
    static func number(_ instant: Date) -> Int {
        let seconds = instant.timeIntervalSince1970.rounded(.down)
        // Dates outside ±25 million years cannot come from a real store row; clamp to stay in Int.
        let clamped = min(max(seconds, -8e14), 8e14)
        return Int((clamped / 86_400).rounded(.down))
    }

    /// The Date: header's day in the sender's own zone, as written in the header.
    static func number(_ sent: MessageDate) -> Int {
        let day = sent.day
        return number(year: day.year, month: day.month, day: day.day)
    }
}
