import NIOCore
import Testing
@testable import IMAPServer

/// Random and mutated input must never crash the framer or parser and must finish quickly.
@Suite struct IMAPRandomInputTests {
    /// A small deterministic generator, so a failure reproduces.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let seeds = Array(IMAPCommandParserTests.anyState + IMAPCommandParserTests.authenticated + IMAPCommandParserTests.selected).map(\.0)
    static let alphabet = Array("() {}[]<>\"\\*%$:,.+-~0123456789 \r\nABCDEFGHIJKLMNOPQRSTUVWXYZ\u{0}".utf8) + [0x80, 0xFF, 0x09]

    @Test func randomBytesNeverCrash() {
        var random = SplitMix64(state: 42)
        let clock = ContinuousClock()
        let start = clock.now
        var framer = IMAPCommandFramer()
        for _ in 0..<2_000 {
            let length = Int.random(in: 0..<300, using: &random)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            _ = try? IMAPCommandParser.parse(IMAPCommandFrame(bytes))
            var buffer = ByteBuffer(bytes: bytes)
            var events = 0
            while let event = framer.next(&buffer) {
                events += 1
                if case .command(let frame) = event { _ = try? IMAPCommandParser.parse(frame) }
            }
            #expect(events <= bytes.count + 1)
        }
        #expect(clock.now - start < .seconds(20))
    }

    @Test func mutatedCommandsNeverCrash() {
        var random = SplitMix64(state: 7)
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<20_000 {
            var bytes = Array(Self.seeds.randomElement(using: &random)!.utf8)
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0...bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes.insert(Self.alphabet.randomElement(using: &random)!, at: position)
                case 1: if position < bytes.count { bytes.remove(at: position) }
                default: if position < bytes.count { bytes[position] = Self.alphabet.randomElement(using: &random)! }
                }
            }
            for encoding in [IMAPMailboxEncoding.modifiedUTF7, .utf8] {
                _ = try? IMAPCommandParser.parse(IMAPCommandFrame(bytes), options: .init(mailboxEncoding: encoding))
            }
        }
        #expect(clock.now - start < .seconds(20))
    }

    @Test func deepNestingIsRefusedNotRecursed() {
        let deep = "a SEARCH " + String(repeating: "(", count: 100_000) + "ALL" + String(repeating: ")", count: 100_000)
        guard case .failure(let error) = IMAPCommandParserTests.parse(deep) else {
            Issue.record("accepted 100,000 levels")
            return
        }
        #expect(error.kind == .limitExceeded)
    }
}
