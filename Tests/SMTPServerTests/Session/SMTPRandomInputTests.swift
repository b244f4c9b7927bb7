// Random and adversarial input must never crash the parser or the framing handler (DESIGN.md rule 2).

import NIOCore
import NIOEmbedded
import Testing
@testable import SMTPServer

/// Deterministic xorshift generator so a failure can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}

@Suite struct SMTPRandomInputTests {
    static let fragments = ["MAIL FROM:", "RCPT TO:", "<", ">", "@", "\"", "\\", "[", "]", "IPv6:", " SIZE=",
                            " BODY=", " NOTIFY=", " ORCPT=rfc822;", "+2B", "EHLO ", "BDAT ", " LAST", ".", ",",
                            ":", "δ", "\u{0}", "\r", "\n", " ", "a", "1", "99999999999999999999"]

    @Test func parserSurvivesRandomLines() {
        var random = SeededGenerator(state: 0x5eed_5eed)
        for _ in 0..<20_000 {
            var line: [UInt8] = []
            for _ in 0..<Int.random(in: 0...12, using: &random) {
                if Bool.random(using: &random) {
                    line += Array(Self.fragments.randomElement(using: &random)!.utf8)
                } else {
                    line.append(UInt8.random(in: 0...255, using: &random))
                }
            }
            // Any outcome is fine as long as it is a value, not a crash; errors map to replies.
            do throws(SMTPCommandError) {
                _ = try SMTPCommandParser.parse(line)
            } catch {
                #expect((500..<600).contains(error.reply.code))
            }
        }
    }

    @Test func framingSurvivesRandomStreams() throws {
        var random = SeededGenerator(state: 0xfeed_beef)
        for _ in 0..<200 {
            let channel = EmbeddedChannel(handler: SMTPFramingHandler(configuration: .init(
                maxLineLength: 64, maxMessageSize: 256, commandTimeout: .minutes(5),
                dataTimeout: .minutes(3), tlsContext: nil)))
            try channel.writeOutbound(SMTPOutboundInstruction.reply([], then: .command))
            for _ in 0..<50 {
                var bytes: [UInt8] = []
                for _ in 0..<Int.random(in: 0...40, using: &random) {
                    if Bool.random(using: &random) {
                        bytes += Array(["\r\n", ".\r\n", "\n.\n", "DATA\r\n", "..", "\r"].randomElement(using: &random)!.utf8)
                    } else {
                        bytes.append(UInt8.random(in: 0...255, using: &random))
                    }
                }
                try channel.writeInbound(ByteBuffer(bytes: bytes))
                while (try channel.readInbound(as: SMTPInboundFrame.self)) != nil {
                    let next: SMTPOutboundInstruction.Next = switch Int.random(in: 0..<3, using: &random) {
                    case 0: .data
                    case 1: .chunk(size: Int.random(in: 0...300, using: &random), keep: Bool.random(using: &random))
                    default: .command
                    }
                    try channel.writeOutbound(SMTPOutboundInstruction.reply([SMTPReply(250, nil, "ok")], then: next))
                    while (try channel.readOutbound(as: ByteBuffer.self)) != nil {}
                }
            }
            _ = try? channel.finish()
        }
    }
}
