import Foundation
import Testing
@testable import MailMessage

/// Stored summaries are read back as untrusted input: any corruption must throw (or yield some
/// summary), never trap, allocate wildly or recurse without bound.
@Suite("MessageSummary binary form: corrupt input")
struct SummaryDecodeRobustnessTests {
    static var samples: [[UInt8]] {
        [MIMETreeTests.nested, SummaryCorpus.richMessage, PerformanceTests.tenKilobyteMessage()]
            .map { Array(MessageParser.parse($0).summary.encoded()) }
    }

    @Test func everyTruncationThrows() {
        for sample in Self.samples {
            for length in 0..<sample.count {
                #expect(throws: (any Error).self, "length \(length)") {
                    try MessageSummary.decode(bytes: Array(sample[..<length]))
                }
            }
        }
    }

    @Test func trailingBytesThrow() {
        for sample in Self.samples {
            #expect(throws: SummaryDecodingError.malformed("trailing bytes")) {
                try MessageSummary.decode(bytes: sample + [0])
            }
        }
    }

    @Test func randomByteFlipsNeverTrap() throws {
        var generator = RobustnessTests.Generator(state: 0xD1B5_4A32_D192_ED03)
        var decoded = 0
        for sample in Self.samples {
            for _ in 0..<3_000 {
                var bytes = sample
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let position = Int.random(in: 1..<bytes.count, using: &generator)   // keep the version byte
                    bytes[position] = UInt8.random(in: 0...255, using: &generator)
                }
                guard let summary = try? MessageSummary.decode(bytes: bytes) else { continue }
                // Whatever was read is a consistent value that stores and reads back the same.
                #expect(try MessageSummary.decode(summary.encoded()) == summary)
                decoded += 1
            }
        }
        // Flips inside string contents still decode: the loop did exercise the success path.
        #expect(decoded > 0)
    }

    @Test func randomGarbageNeverTraps() {
        var generator = RobustnessTests.Generator(state: 0x2545_F491_4F6C_DD1D)
        for _ in 0..<5_000 {
            let length = Int.random(in: 1...300, using: &generator)
            let bytes = [MessageSummary.binaryVersion] + (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? MessageSummary.decode(bytes: bytes)
        }
    }

    @Test func hugeCountsAreRefusedBeforeAllocating() {
        // Version, two ints, no preview, no date, no subject, then a From count of 2^62.
        var writer = SummaryWriter()
        for value: UInt64 in [2, 0, 0, 0, 0, 0, 1 << 62] { writer.varint(value) }
        #expect(throws: SummaryDecodingError.malformed("count exceeds input")) {
            try MessageSummary.decode(bytes: writer.bytes)
        }
        // A string claiming more bytes than there are.
        #expect(throws: SummaryDecodingError.truncated) {
            try MessageSummary.decode(bytes: [2, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F, 0x41])
        }
    }

    @Test func overlongVarintsAreRefused() {
        #expect(throws: SummaryDecodingError.malformed("varint longer than ten bytes")) {
            try MessageSummary.decode(bytes: [2] + Array(repeating: 0x80, count: 11) + [0])
        }
        #expect(throws: SummaryDecodingError.malformed("varint overflows 64 bits")) {
            try MessageSummary.decode(bytes: [2] + Array(repeating: 0xFF, count: 9) + [0x02])
        }
    }

    @Test func nestingBombIsRefusedAtTheParsersDepth() {
        // 100,000 multipart levels of one child each, laid out exactly: the reader must stop at its
        // depth limit (and say so) rather than recurse 100,000 times.
        var writer = SummaryWriter(capacity: 4_000_000)
        writer.byte(MessageSummary.binaryVersion)
        writer.int(0)
        writer.int(0)
        writer.optionalString(nil)
        writer.write(Envelope())
        for _ in 0..<100_000 {
            writer.string("multipart"); writer.string("mixed"); writer.count(0)          // content type
            writer.optionalString(nil); writer.optionalString(nil)                     // id, description
            writer.string("7bit"); writer.optionalString(nil)                          // encoding, md5
            writer.byte(0); writer.byte(0); writer.optionalString(nil)                 // disposition, language, location
            writer.int(0); writer.varint(0); writer.int(0); writer.varint(0); writer.int(0) // ranges, lines
            writer.byte(1); writer.count(1)                                            // multipart of one
        }
        #expect(throws: SummaryDecodingError.malformed("body structure nested too deeply")) {
            try MessageSummary.decode(bytes: writer.bytes)
        }
    }
}
