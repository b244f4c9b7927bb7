import Foundation
import Testing
@testable import MailMessage

@Suite("Dates (RFC 5322 §3.3, §4.3)")
struct DateTests {
    static func utc(_ iso: String) -> Date? {
        ISO8601DateFormatter().date(from: iso)
    }

    @Test("valid and obsolete forms", arguments: [
        ("Fri, 21 Nov 1997 09:55:06 -0600", "1997-11-21T15:55:06Z", -21_600),
        ("Tue, 1 Jul 2003 10:52:37 +0200", "2003-07-01T08:52:37Z", 7_200),
        ("Thu, 13 Feb 1969 23:32:54 -0330", "1969-02-14T03:02:54Z", -12_600),
        ("Thu,\r\n      13\r\n        Feb\r\n          1969\r\n      23:32\r\n               -0330 (Newfoundland Time)",
         "1969-02-14T03:02:00Z", -12_600),
        ("21 Nov 97 09:55:06 GMT", "1997-11-21T09:55:06Z", 0),                 // RFC 2822 A.6.2
        ("Mon, 1 Jan 01 00:00:00 EST", "2001-01-01T05:00:00Z", -18_000),
        ("1 Jan 101 12:00:00 +0000", "2001-01-01T12:00:00Z", 0),               // 3-digit year
        ("Sun, 6 Nov 1994 08:49:37 PDT", "1994-11-06T15:49:37Z", -25_200),
        ("Sun, 6 Nov 1994 08:49:37 Z", "1994-11-06T08:49:37Z", 0),             // military zone
        ("Sun, 6 Nov 1994 08:49:37 A", "1994-11-06T08:49:37Z", 0),             // unreliable: -0000
        ("Sun, 06 Nov 1994 08:49:37", "1994-11-06T08:49:37Z", 0),              // no zone
        ("Sun Nov  6 08:49:37 1994", "1994-11-06T08:49:37Z", 0),               // asctime
        ("6 November 1994 08:49 +0100 (CET)", "1994-11-06T07:49:00Z", 3_600),
        ("29 Feb 2024 23:59:60 +0000", "2024-02-29T23:59:59Z", 0),             // leap second clamped
    ])
    func valid(input: String, iso: String, offset: Int) throws {
        let parsed = try #require(MessageDate(parsing: input))
        #expect(parsed.date == Self.utc(iso))
        #expect(parsed.timeZoneOffset == offset)
    }

    @Test("garbage", arguments: [
        "", "yesterday", "2024-01-01T10:00:00Z", "32 Jan 2024 10:00:00 +0000", "29 Feb 2023 10:00:00 +0000",
        "1 Foo 2024 10:00:00", "1 Jan 2024 25:00:00 +0000", "Jan", "1 Jan 99999 10:00:00",
    ])
    func garbage(input: String) {
        #expect(MessageDate(parsing: input) == nil)
    }

    @Test func dayInSenderZone() throws {
        let parsed = try #require(MessageDate(parsing: "Thu, 13 Feb 1969 23:32:54 -0330"))
        #expect(parsed.day == (1969, 2, 13))
    }
}
