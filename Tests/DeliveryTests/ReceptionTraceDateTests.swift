// The Received date is computed by hand (ReceptionTrace.rfc5322Date) and must read exactly as the
// Calendar-based form did, around leap days, century rules, 1970 and before.
@testable import Delivery
import Foundation
import Testing

@Suite struct ReceptionTraceDateTests {
    static let instants: [TimeInterval] = [
        0, -1, -0.5, 59.999, 86_399, 86_400, -86_400, -86_401,
        951_782_400,          // 2000-02-29 00:00:00
        951_868_799,          // 2000-02-29 23:59:59
        951_868_800,          // 2000-03-01
        1_078_012_800,        // 2004-02-29
        4_107_542_399,        // 2100-02-28 23:59:59, followed by 2100-03-01 (no leap day in 2100)
        4_107_542_400,
        1_795_996_741.25,     // 2026-11-29 23:59:01.25
        1_798_761_599,        // 2026-12-31 23:59:59
        1_798_761_600,        // 2027-01-01
        -2_208_988_800,       // 1900-01-01
        253_402_300_799,      // 9999-12-31 23:59:59
    ] + (0..<400).map { Double($0) * 7_908_353.5 - 1_000_000_000 }   // 400 spread over ~100 years

    @Test(arguments: instants)
    func matchesCalendar(_ seconds: TimeInterval) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(ReceptionTrace.rfc5322Date(date) == ReceptionTrace.rfc5322DateWithCalendar(date))
    }

    @Test func knownDate() {
        #expect(ReceptionTrace.rfc5322Date(Date(timeIntervalSince1970: 1_795_996_741))
            == "Sun, 29 Nov 2026 23:59:01 +0000")
    }

    @Test func traceIDsUseTheBase32Alphabet() {
        for _ in 0..<200 {
            let id = ReceptionTrace.makeTraceID()
            #expect(id.utf8.count == 16)
            #expect(id.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                || (UInt8(ascii: "2")...UInt8(ascii: "7")).contains($0) })
        }
    }
}
