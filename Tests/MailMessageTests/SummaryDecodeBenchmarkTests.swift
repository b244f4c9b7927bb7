import Foundation
import Testing
@testable import MailMessage

@Suite("MessageSummary decoding speed (prints timings, asserts nothing about speed)")
struct SummaryDecodeBenchmarkTests {
    @Test func jsonVersusBinaryOnATypicalMultipartSummary() throws {
        // multipart/mixed(alternative(text, html), pdf attachment), group in Cc, encoded subject.
        let summary = MessageParser.parse(PerformanceTests.tenKilobyteMessage()).summary
        let json = summary.jsonEncoded()
        let binary = summary.encoded()
        #expect(try MessageSummary.decode(json) == summary)
        #expect(try MessageSummary.decode(binary) == summary)

        let iterations = 2_000
        let clock = ContinuousClock()
        var checksum = 0
        let jsonTime = try clock.measure {
            for _ in 0..<iterations { checksum &+= try MessageSummary.decode(json).totalSize }
        }
        let binaryTime = try clock.measure {
            for _ in 0..<iterations { checksum &+= try MessageSummary.decode(binary).totalSize }
        }
        let encodeTime = clock.measure {
            for _ in 0..<iterations { checksum &+= summary.encoded().count }
        }
        #expect(checksum != 0)
        func microseconds(_ duration: Duration) -> String {
            let perCall = Double(duration.components.seconds) * 1e6 / Double(iterations)
                + Double(duration.components.attoseconds) / 1e12 / Double(iterations)
            return String(format: "%.2f µs", perCall)
        }
        print("MessageSummary decode: JSON \(json.count) bytes \(microseconds(jsonTime)); "
              + "binary \(binary.count) bytes \(microseconds(binaryTime)); binary encode \(microseconds(encodeTime))")
    }
}
