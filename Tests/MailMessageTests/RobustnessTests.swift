import Foundation
import Testing
@testable import MailMessage

@Suite("Robustness: any bytes give a consistent result")
struct RobustnessTests {
    /// Every range lies inside the message and inside its parent's body; header precedes body.
    static func checkInvariants(_ node: BodyStructure, within bounds: Range<Int>) -> Bool {
        guard node.headerRange.lowerBound >= bounds.lowerBound, node.bodyRange.upperBound <= bounds.upperBound,
              node.headerRange.upperBound <= node.bodyRange.lowerBound else { return false }
        switch node.content {
        case .single: return true
        case .multipart(let parts): return !parts.isEmpty && parts.allSatisfy { checkInvariants($0, within: node.bodyRange) }
        case .message(let message): return checkInvariants(message.body, within: node.bodyRange)
        }
    }

    /// Deterministic xorshift, so a failure can be reproduced.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
    }

    @Test func everyTruncationOfEveryFixture() throws {
        for fixture in [MIMETreeTests.alternative, MIMETreeTests.mixed, MIMETreeTests.nested] {
            for length in 0...fixture.count {
                let bytes = Array(fixture[..<length])
                let parsed = MessageParser.parse(bytes)
                #expect(Self.checkInvariants(parsed.bodyStructure, within: 0..<bytes.count), "length \(length)")
                #expect(parsed.summary.totalSize == length)
            }
        }
    }

    @Test func randomMutationsRoundTrip() throws {
        var generator = Generator(state: 0x9E37_79B9_7F4A_7C15)
        let alphabet = Array("\r\n-:;=\"<>@(),?=B Q\t".utf8) + [0x00, 0xFF, 0xC3]
        for _ in 0..<2_000 {
            var bytes = MIMETreeTests.nested
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[position] = alphabet.randomElement(using: &generator) ?? 0
            }
            let parsed = MessageParser.parse(bytes)
            #expect(Self.checkInvariants(parsed.bodyStructure, within: 0..<bytes.count))
            #expect(try MessageSummary.decode(parsed.summary.encoded()) == parsed.summary)
        }
    }
}
