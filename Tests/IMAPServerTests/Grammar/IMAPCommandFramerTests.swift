import NIOCore
import Testing
@testable import IMAPServer

@Suite struct IMAPCommandFramerTests {
    /// Simplified events for comparison: streamed chunks are joined by the collector.
    enum Seen: Equatable {
        case command(String)
        case continuation(octets: UInt64, streamed: Bool)
        case streamStart(octets: UInt64)
        case streamBytes(String)
        case streamEnd
        case rejected(IMAPFramingError.Kind, tag: String?)
    }

    /// Feeds `chunks` one at a time, accepting every literal, and records what came out.
    static func run(_ chunks: [String], configuration: IMAPCommandFramer.Configuration = .init()) -> [Seen] {
        var framer = IMAPCommandFramer(configuration: configuration)
        var seen: [Seen] = []
        for chunk in chunks {
            var buffer = ByteBuffer(string: chunk)
            while let event = framer.next(&buffer) {
                switch event {
                case .command(let frame): seen.append(.command(String(decoding: frame.bytes, as: UTF8.self)))
                case .continuationRequest(let announcement):
                    seen.append(.continuation(octets: announcement.octets, streamed: announcement.isStreamed))
                case .streamedLiteralStart(let announcement): seen.append(.streamStart(octets: announcement.octets))
                case .streamedLiteralBytes(let bytes):
                    if case .streamBytes(let previous) = seen.last {
                        seen[seen.count - 1] = .streamBytes(previous + String(buffer: bytes))
                    } else {
                        seen.append(.streamBytes(String(buffer: bytes)))
                    }
                case .streamedLiteralEnd: seen.append(.streamEnd)
                case .rejected(let error): seen.append(.rejected(error.kind, tag: error.tag))
                }
            }
            #expect(buffer.readableBytes == 0, "framer left input unconsumed")
        }
        return seen
    }

    /// The same input batched and byte by byte must give the same events.
    static func runBothWays(_ input: String, configuration: IMAPCommandFramer.Configuration = .init()) -> [Seen] {
        let batched = run([input], configuration: configuration)
        let bytewise = run(input.utf8.map { String(decoding: [$0], as: UTF8.self) }, configuration: configuration)
        #expect(batched == bytewise)
        return batched
    }

    static var small: IMAPCommandFramer.Configuration {
        var configuration = IMAPCommandFramer.Configuration()
        configuration.maxLineLength = 100
        configuration.maxLiteralSize = 50
        configuration.maxAppendLiteralSize = 1_000
        configuration.maxLiteralsPerCommand = 2
        configuration.maxBufferedCommandSize = 400
        configuration.appendStreamingThreshold = 20
        return configuration
    }

    static let fixtures: [(String, [Seen])] = [
        ("a NOOP\r\nb CAPABILITY\r\n", [.command("a NOOP"), .command("b CAPABILITY")]),
        ("\r\n\r\na NOOP\r\n", [.command("a NOOP")]),
        ("a NOOP\nb NOOP\r\n", [.command("a NOOP"), .command("b NOOP")]),
        ("a LOGIN {4}\r\nfred pw\r\n", [.continuation(octets: 4, streamed: false), .command("a LOGIN {4}\r\nfred pw")]),
        ("a LOGIN {4+}\r\nfred {2+}\r\npw\r\n", [.command("a LOGIN {4+}\r\nfred {2+}\r\npw")]),
        ("a LOGIN {0}\r\n pw\r\n", [.continuation(octets: 0, streamed: false), .command("a LOGIN {0}\r\n pw")]),
        // A literal's octets may contain CRLF and "{n}": only the count ends it.
        ("a LOGIN {8+}\r\n{9}\r\nx\r\n pw\r\n", [.command("a LOGIN {8+}\r\n{9}\r\nx\r\n pw")]),
        ("a APPEND INBOX ~{3}\r\nabc\r\n", [.continuation(octets: 3, streamed: false), .command("a APPEND INBOX ~{3}\r\nabc")]),
        ("a X {-5}\r\n", [.command("a X {-5}")]),
    ]

    @Test(arguments: fixtures)
    func frames(_ input: String, _ expected: [Seen]) {
        #expect(Self.runBothWays(input) == expected)
    }

    static let limitFixtures: [(String, [Seen])] = [
        // Oversized synchronising literal: refused, no continuation, next command read normally.
        ("a LOGIN {51}\r\nb NOOP\r\n", [.rejected(.literalTooLarge(octets: 51, limit: 50), tag: "a"), .command("b NOOP")]),
        ("a LOGIN {99999999999999999999999}\r\nb NOOP\r\n",
         [.rejected(.literalTooLarge(octets: .max, limit: 50), tag: "a"), .command("b NOOP")]),
        // Oversized LITERAL+ literal: its octets and the rest of the command are skipped.
        ("a LOGIN {60+}\r\n" + String(repeating: "x", count: 60) + " pw\r\nb NOOP\r\n",
         [.rejected(.literalTooLarge(octets: 60, limit: 50), tag: "a"), .command("b NOOP")]),
        ("a LOGIN {60+}\r\n" + String(repeating: "x", count: 60) + " {3+}\r\nabc\r\nb NOOP\r\n",
         [.rejected(.literalTooLarge(octets: 60, limit: 50), tag: "a"), .command("b NOOP")]),
        // Line too long: skipped to its end.
        (String(repeating: "x", count: 300) + "\r\nb NOOP\r\n", [.rejected(.lineTooLong(limit: 100), tag: nil), .command("b NOOP")]),
        ("t1 LOGIN " + String(repeating: "x", count: 300) + "\r\nb NOOP\r\n", [.rejected(.lineTooLong(limit: 100), tag: "t1"), .command("b NOOP")]),
        // Found by fuzzing (scripts/fuzz, FuzzIMAPCommand): a too-long line whose LITERAL+
        // announcement straddles the limit. Read byte by byte, the "{" was taken in before the
        // limit was crossed and forgotten, so "hello) NOOP" (the literal and the rest of the
        // command) came out as a command of its own. Its octets must be skipped either way.
        ("t1 SEARCH " + String(repeating: "x", count: 89) + " {5+}\r\nhello) NOOP\r\nb NOOP\r\n",
         [.rejected(.lineTooLong(limit: 100), tag: "t1"), .command("b NOOP")]),
        // Too many literals.
        ("a X {1+}\r\na {1+}\r\nb {1+}\r\nc\r\nd NOOP\r\n", [.rejected(.tooManyLiterals(limit: 2), tag: "a"), .command("d NOOP")]),
        // APPEND literals above the threshold are streamed, not buffered.
        ("a APPEND INBOX {25}\r\n" + String(repeating: "m", count: 25) + "\r\n",
         [.continuation(octets: 25, streamed: true), .streamStart(octets: 25), .streamBytes(String(repeating: "m", count: 25)), .streamEnd,
          .command("a APPEND INBOX {25}\r\n")]),
        ("a APPEND INBOX {5+}\r\nsmall {25+}\r\n" + String(repeating: "m", count: 25) + "\r\n",
         [.streamStart(octets: 25), .streamBytes(String(repeating: "m", count: 25)), .streamEnd,
          .command("a APPEND INBOX {5+}\r\nsmall {25+}\r\n")]),
        ("a APPEND INBOX {1001}\r\nb NOOP\r\n", [.rejected(.literalTooLarge(octets: 1001, limit: 1000), tag: "a"), .command("b NOOP")]),
    ]

    @Test(arguments: limitFixtures)
    func enforcesLimits(_ input: String, _ expected: [Seen]) {
        #expect(Self.runBothWays(input, configuration: Self.small) == expected)
    }

    @Test func literalMinusRefusesLargeNonSynchronizingLiteral() {
        var configuration = IMAPCommandFramer.Configuration()
        configuration.nonSynchronizingLiteralLimit = 4096
        let input = "a APPEND INBOX {5000+}\r\n" + String(repeating: "x", count: 5000) + "\r\nb NOOP\r\n"
        #expect(Self.runBothWays(input, configuration: configuration) ==
                [.rejected(.nonSynchronizingLiteralTooLarge(octets: 5000, limit: 4096), tag: "a"), .command("b NOOP")])
        let response = IMAPFramingError(.nonSynchronizingLiteralTooLarge(octets: 5000, limit: 4096), tag: "a", command: "APPEND").response
        #expect(String(buffer: IMAPResponseEncoder().encode(response)).hasPrefix("a BAD [TOOBIG] "))
    }

    @Test func oversizedAppendGetsNOTooBig() {
        let response = IMAPFramingError(.literalTooLarge(octets: 9, limit: 1), tag: "a", command: "APPEND").response
        #expect(String(buffer: IMAPResponseEncoder().encode(response)) == "a NO [TOOBIG] literal of 9 octets exceeds the limit of 1\r\n")
        let login = IMAPFramingError(.literalTooLarge(octets: 9, limit: 1), tag: "a", command: "LOGIN").response
        #expect(String(buffer: IMAPResponseEncoder().encode(login)).hasPrefix("a BAD [TOOBIG] "))
    }

    @Test func continuationIsRequestedBeforeAnyLiteralOctet() {
        // The client sends nothing after "{4}\r\n" until it sees "+": the event must come on the LF.
        var framer = IMAPCommandFramer()
        var buffer = ByteBuffer(string: "a LOGIN {4}\r")
        #expect(framer.next(&buffer) == nil)
        buffer.writeString("\n")
        guard case .continuationRequest(let announcement) = framer.next(&buffer) else {
            Issue.record("no continuation request")
            return
        }
        #expect(announcement.tag == "a" && announcement.command == "LOGIN" && announcement.isSynchronizing)
        #expect(framer.next(&buffer) == nil)
        buffer.writeString("fred pw\r\n")
        #expect(framer.next(&buffer) == .command(IMAPCommandFrame("a LOGIN {4}\r\nfred pw")))
    }

    @Test func refusedLiteralAbandonsTheCommand() throws {
        var framer = IMAPCommandFramer()
        var buffer = ByteBuffer(string: "a APPEND Nope {5}\r\n")
        guard case .continuationRequest(let announcement) = framer.next(&buffer) else {
            Issue.record("no continuation request")
            return
        }
        // The session checks the mailbox before accepting: TRYCREATE.
        let prefix = try #require(announcement.appendPrefix)
        #expect(prefix == IMAPCommandFrame("a APPEND Nope {5}\r\n"))
        #expect(try IMAPCommandParser.parseAppendMailbox(prefix) == IMAPMailboxName("Nope"))
        let refused = framer.refuseLiteral()
        let refusedAgain = framer.refuseLiteral()
        #expect(refused && !refusedAgain)
        buffer.writeString("b NOOP\r\n")
        #expect(framer.next(&buffer) == .command(IMAPCommandFrame("b NOOP")))
    }

    @Test func streamedAppendParsesToStreamedLiteral() throws {
        var framer = IMAPCommandFramer(configuration: Self.small)
        var buffer = ByteBuffer(string: "a APPEND INBOX (\\Seen) {30+}\r\n" + String(repeating: "z", count: 30) + "\r\n")
        var frame: IMAPCommandFrame?
        var streamed = 0
        while let event = framer.next(&buffer) {
            if case .streamedLiteralBytes(let bytes) = event { streamed += bytes.readableBytes }
            if case .command(let command) = event { frame = command }
        }
        #expect(streamed == 30)
        let command = try IMAPCommandParser.parse(try #require(frame))
        #expect(command.kind == .append(.inbox, [IMAPAppendMessage(flags: [.seen], data: .streamed(.init(ordinal: 0, octets: 30, isBinary: false)))]))
    }

    @Test func hugeNonSynchronizingLiteralIsSkippedWithoutBuffering() {
        // 50 MB announced outside APPEND: skipped by counting; feeding 1 MB chunks stays cheap.
        var framer = IMAPCommandFramer()
        var buffer = ByteBuffer(string: "a LOGIN {52428800+}\r\n")
        guard case .rejected(let error) = framer.next(&buffer) else {
            Issue.record("not rejected")
            return
        }
        #expect(error.kind == .literalTooLarge(octets: 52_428_800, limit: 65_536))
        let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: 1_048_576)
        for _ in 0..<50 {
            var copy = chunk
            #expect(framer.next(&copy) == nil)
            #expect(copy.readableBytes == 0)
        }
        var rest = ByteBuffer(string: "\r\nb NOOP\r\n")
        #expect(framer.next(&rest) == .command(IMAPCommandFrame("b NOOP")))
    }
}
