import Foundation

/// RFC 5322 §3.3 date-time on bytes, lenient: fields are recognised by shape (month name, h:m[:s],
/// zone) rather than strict position, so "1 Jan 2020 10:00 +0100", "Wed Jan  1 10:00:00 2020" and
/// "Wed, 01 Jan 20 10:00:00 EST" all parse. No Calendar or DateFormatter: they are slow and locale-bound.
enum DateParser {
    private enum Token {
        case word([UInt8])
        case number(value: Int, digits: Int)
        case time(hour: Int, minute: Int, second: Int)
        case zone(Int)
    }

    static func parse(_ bytes: [UInt8]) -> MessageDate? {
        let tokens = tokenize(bytes.prefix(256))
        var day: Int?, month: Int?, year: Int?, time: (Int, Int, Int)?, zone: Int?
        var numbers: [(value: Int, digits: Int)] = []
        for token in tokens {
            switch token {
            case .word(let word):
                if month == nil, let found = monthNumber(word) {
                    month = found
                } else if time != nil, zone == nil, let offset = obsoleteZone(word) {
                    zone = offset
                }
            case .number(let value, let digits):
                numbers.append((value, digits))
            case .time(let hour, let minute, let second):
                if time == nil { time = (hour, minute, second) }
            case .zone(let offset):
                if zone == nil { zone = offset }
            }
        }
        // Day comes before year in both RFC 5322 and asctime order; a 3- or 4-digit number is a year.
        var yearDigits = 4
        for number in numbers.prefix(3) {
            if number.digits >= 3 {
                if year == nil { year = number.value; yearDigits = number.digits }
            } else if day == nil, number.value >= 1, number.value <= 31 {
                day = number.value
            } else if year == nil {
                year = number.value
                yearDigits = number.digits
            }
        }
        guard let day, let month, var year else { return nil }
        // RFC 5322 §4.3: two-digit years below 50 are 20xx, others 19xx; three-digit years add 1900.
        if yearDigits <= 2 { year += year < 50 ? 2000 : 1900 } else if yearDigits == 3 { year += 1900 }
        guard (1900...9999).contains(year), day <= daysInMonth(month, year: year) else { return nil }
        let (hour, minute, second) = time ?? (0, 0, 0)
        guard hour < 24, minute < 60, second <= 60 else { return nil }
        let offset = zone ?? 0
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + min(second, 59) - offset
        return MessageDate(date: Date(timeIntervalSince1970: TimeInterval(seconds)), timeZoneOffset: offset)
    }

    private static func tokenize(_ bytes: ArraySlice<UInt8>) -> [Token] {
        var tokens: [Token] = []
        var index = bytes.startIndex
        while index < bytes.endIndex, tokens.count < 16 {
            let byte = bytes[index]
            if byte == ASCII.openParen {
                // Comments such as "(CEST)" carry no reliable zone; skip (nesting bounded by length).
                var depth = 0
                while index < bytes.endIndex {
                    if bytes[index] == ASCII.openParen { depth += 1 }
                    if bytes[index] == ASCII.closeParen { depth -= 1; if depth == 0 { index += 1; break } }
                    index += 1
                }
            } else if (byte == ASCII.plus || byte == ASCII.minus), index + 1 < bytes.endIndex,
                      ASCII.isDigit(bytes[index + 1]) {
                var end = index + 1
                var value = 0
                while end < bytes.endIndex, ASCII.isDigit(bytes[end]), end - index <= 4 {
                    value = value * 10 + Int(bytes[end] - ASCII.zero)
                    end += 1
                }
                if end - index == 5, value % 100 < 60 {   // RFC 5322 §3.3 zone = ("+" / "-") 4DIGIT
                    let seconds = (value / 100) * 3_600 + (value % 100) * 60
                    tokens.append(.zone(byte == ASCII.minus ? -seconds : seconds))
                }
                index = end
            } else if ASCII.isDigit(byte) {
                var fields: [Int] = []
                var digits = 0
                var value = 0
                var end = index
                while end < bytes.endIndex, fields.count < 3 {
                    let current = bytes[end]
                    if ASCII.isDigit(current), digits < 9 {
                        value = value * 10 + Int(current - ASCII.zero)
                        digits += 1
                    } else if current == ASCII.colon, digits > 0 {
                        fields.append(value)
                        value = 0
                        digits = 0
                    } else {
                        break
                    }
                    end += 1
                }
                if fields.isEmpty {
                    tokens.append(.number(value: value, digits: digits))
                } else {
                    if digits > 0 { fields.append(value) }
                    if fields.count >= 2 {
                        tokens.append(.time(hour: fields[0], minute: fields[1], second: fields.count > 2 ? fields[2] : 0))
                    }
                }
                index = max(end, index + 1)
            } else if (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A {
                var end = index
                while end < bytes.endIndex, (bytes[end] | 0x20) >= 0x61, (bytes[end] | 0x20) <= 0x7A { end += 1 }
                tokens.append(.word(bytes[index..<end].map(ASCII.lowercased)))
                index = end
            } else {
                index += 1
            }
        }
        return tokens
    }

    private static let months: [[UInt8]] = ["jan", "feb", "mar", "apr", "may", "jun",
                                             "jul", "aug", "sep", "oct", "nov", "dec"].map { Array($0.utf8) }

    /// RFC 5322 §3.3 month names; full English names are accepted too ("January" starts with "jan").
    private static func monthNumber(_ word: [UInt8]) -> Int? {
        guard word.count >= 3 else { return nil }
        let prefix = Array(word.prefix(3))
        guard let index = months.firstIndex(of: prefix) else { return nil }
        return index + 1
    }

    /// RFC 5322 §4.3 obs-zone. Military letters are unreliable (RFC 5322 §4.3): treated as -0000.
    private static func obsoleteZone(_ word: [UInt8]) -> Int? {
        switch String(decoding: word, as: UTF8.self) {
        case "ut", "utc", "gmt", "z": return 0
        case "est": return -5 * 3_600
        case "edt": return -4 * 3_600
        case "cst": return -6 * 3_600
        case "cdt": return -5 * 3_600
        case "mst": return -7 * 3_600
        case "mdt": return -6 * 3_600
        case "pst": return -8 * 3_600
        case "pdt": return -7 * 3_600
        case let other where other.utf8.count == 1 && other != "j": return 0
        default: return nil
        }
    }

    static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's civil algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Inverse of `daysFromCivil`.
    static func civilDate(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
