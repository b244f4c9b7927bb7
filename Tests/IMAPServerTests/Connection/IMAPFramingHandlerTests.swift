import NIOCore
import NIOEmbedded
import Testing
@testable import IMAPServer

@Suite struct IMAPFramingHandlerTests {
    typealias Harness = IMAPFramingHarness

    @Test func startsPausedUntilTheGreetingIsWritten() throws {
        let harness = try Harness(greet: false)
        try harness.feed("a1 NOOP\r\n")
        #expect(try harness.frame() == nil)
        #expect(try harness.answer("* OK ready\r\n") == "* OK ready\r\n")
        #expect(try harness.frame() == Harness.command("a1 NOOP"))
    }

    @Test(arguments: [false, true])
    func pipelinedCommandsArriveOneAtATime(byteByByte: Bool) throws {
        let harness = try Harness()
        try harness.feed("a1 NOOP\r\na2 CAPABILITY\na3 LOGOUT\r\n", byteByByte: byteByByte)
        #expect(try harness.frame() == Harness.command("a1 NOOP"))
        #expect(try harness.frame() == nil)   // paused until the session answers
        #expect(try harness.answer("a1 OK\r\n") == "a1 OK\r\n")
        #expect(try harness.next() == Harness.command("a2 CAPABILITY"))
        #expect(try harness.next() == Harness.command("a3 LOGOUT"))
        #expect(try harness.next() == nil)
    }

    @Test func staysPausedWhileTheSessionStreamsAResponse() throws {
        let harness = try Harness()
        try harness.feed("a1 FETCH 1 BODY[]\r\na2 NOOP\r\n")
        #expect(try harness.frame() == Harness.command("a1 FETCH 1 BODY[]"))
        #expect(try harness.answer("* 1 FETCH (BODY[] {3}\r\nabc", then: .more) == "* 1 FETCH (BODY[] {3}\r\nabc")
        #expect(try harness.frame() == nil)
        #expect(try harness.answer(")\r\na1 OK\r\n") == ")\r\na1 OK\r\n")
        #expect(try harness.frame() == Harness.command("a2 NOOP"))
    }

    @Test func synchronisingLiteralWaitsForTheContinuation() throws {
        let harness = try Harness()
        try harness.feed("a1 LOGIN {4}\r\n")
        guard case .framing(.continuationRequest(let announcement)) = try harness.frame() else {
            Issue.record("expected a continuation request")
            return
        }
        #expect(announcement.tag == "a1" && announcement.command == "LOGIN" && announcement.octets == 4)
        #expect(announcement.isSynchronizing && !announcement.isStreamed)
        #expect(try harness.answer("+ Ready\r\n") == "+ Ready\r\n")
        #expect(try harness.frame() == nil)   // the command is not complete yet
        try harness.feed("fred pw\r\na2 NOOP\r\n")
        #expect(try harness.next() == Harness.command("a1 LOGIN {4}\r\nfred pw"))
        #expect(try harness.next() == Harness.command("a2 NOOP"))
    }

    // RFC 9051 §7.5: the server answers NO instead of "+"; the client abandons the command.
    @Test func refusedLiteralResumesWithTheNextCommand() throws {
        let harness = try Harness()
        try harness.feed("a1 APPEND nosuch {10}\r\na2 NOOP\r\n")
        guard case .framing(.continuationRequest(let announcement)) = try harness.frame() else {
            Issue.record("expected a continuation request")
            return
        }
        #expect(announcement.appendPrefix == IMAPCommandFrame("a1 APPEND nosuch {10}\r\n"))
        #expect(try harness.answer("a1 NO [TRYCREATE] no such mailbox\r\n", then: .refuseLiteral)
                == "a1 NO [TRYCREATE] no such mailbox\r\n")
        #expect(try harness.next() == Harness.command("a2 NOOP"))
        #expect(try harness.next() == nil)
    }

    // RFC 7888: LITERAL+ literals need no continuation; the command arrives whole.
    @Test(arguments: [false, true])
    func nonSynchronisingLiteralsArriveInsideTheCommand(byteByByte: Bool) throws {
        let harness = try Harness()
        try harness.feed("a1 LOGIN {4+}\r\nfred {2+}\r\npw\r\na2 NOOP\r\n", byteByByte: byteByByte)
        #expect(try harness.next() == Harness.command("a1 LOGIN {4+}\r\nfred {2+}\r\npw"))
        #expect(try harness.next() == Harness.command("a2 NOOP"))
    }

    @Test(arguments: [1, 7, 4096])
    func streamedAppendLiteralFlowsInChunks(chunkSize: Int) throws {
        var framer = IMAPCommandFramer.Configuration()
        framer.appendStreamingThreshold = 16
        let harness = try Harness(framer: framer)
        let message = Array("Subject: hi\r\n\r\n".utf8) + Array(repeating: UInt8(ascii: "x"), count: 10_000)
        try harness.feed("a1 APPEND INBOX {\(message.count)}\r\n")
        guard case .framing(.continuationRequest(let announcement)) = try harness.frame() else {
            Issue.record("expected a continuation request")
            return
        }
        #expect(announcement.isStreamed)
        try harness.answer("+ Ready\r\n")
        #expect(try harness.next() == .framing(.streamedLiteralStart(announcement)))
        var offset = 0
        while offset < message.count {
            let end = min(offset + chunkSize, message.count)
            try harness.feed(Array(message[offset..<end]))
            offset = end
        }
        try harness.feed(" (\\Seen)\r\na2 NOOP\r\n")
        var received: [UInt8] = []
        var chunks = 0
        while case .framing(.streamedLiteralBytes(let chunk))? = try harness.frame() {
            received += chunk.readableBytesView
            chunks += 1
            try harness.answer("")
        }
        // The loop stopped at the end marker, which still needs its answer.
        try harness.answer("")
        // The first chunk went out at once; what arrived while the session was busy follows as one.
        #expect(chunks == 2)
        #expect(received == message)
        let head = "a1 APPEND INBOX {\(message.count)}\r\n"
        #expect(try harness.next() == Harness.command(head + " (\\Seen)")
            .withStreamedLiteral(offset: head.utf8.count, octets: message.count))
        #expect(try harness.next() == Harness.command("a2 NOOP"))
    }

    @Test func streamedChunksFollowTheClientWhileTheSessionKeepsUp() throws {
        var framer = IMAPCommandFramer.Configuration()
        framer.appendStreamingThreshold = 16
        let harness = try Harness(framer: framer)
        try harness.feed("a1 APPEND INBOX {30+}\r\n")
        guard case .framing(.streamedLiteralStart) = try harness.next() else {
            Issue.record("expected a streamed literal")
            return
        }
        for part in ["0123456789", "abcdefghij", "ABCDEFGHIJ"] {
            try harness.feed(part)
            #expect(try harness.next() == .framing(.streamedLiteralBytes(ByteBuffer(string: part))))
        }
        #expect(try harness.next() == .framing(.streamedLiteralEnd))
        try harness.feed("\r\n")
        #expect(try harness.next() == Harness.command("a1 APPEND INBOX {30+}\r\n").withStreamedLiteral(offset: 23, octets: 30))
    }

    @Test(arguments: [false, true])
    func overlongLineIsRejectedOnceAndResynchronises(byteByByte: Bool) throws {
        var framer = IMAPCommandFramer.Configuration()
        framer.maxLineLength = 100
        let harness = try Harness(framer: framer)
        try harness.feed("a1 SEARCH " + String(repeating: "x", count: 2000) + "\r\na2 NOOP\r\n", byteByByte: byteByByte)
        guard case .framing(.rejected(let error)) = try harness.next() else {
            Issue.record("expected a rejection")
            return
        }
        #expect(error.kind == .lineTooLong(limit: 100) && error.tag == "a1")
        #expect(try harness.next() == Harness.command("a2 NOOP"))
        #expect(try harness.next() == nil)
    }

    @Test func oversizedSynchronisingLiteralIsRejectedWithoutContinuation() throws {
        let harness = try Harness()
        try harness.feed("a1 LOGIN {100000}\r\na2 NOOP\r\n")
        #expect(try harness.next() == .framing(.rejected(IMAPFramingError(
            .literalTooLarge(octets: 100_000, limit: 65_536), tag: "a1", command: "LOGIN"))))
        #expect(try harness.next() == Harness.command("a2 NOOP"))
    }

    // A LITERAL+ literal over the limit is already on its way: its octets are skipped, not read
    // as commands, even while the session answers the rejection.
    @Test func oversizedNonSynchronisingLiteralIsSkipped() throws {
        let harness = try Harness()
        let junk = String(repeating: "a9 DELETE INBOX\r\n", count: 5000)
        try harness.feed("a1 LOGIN {\(junk.utf8.count)+}\r\n" + junk + "\r\na2 NOOP\r\n")
        guard case .framing(.rejected(let error)) = try harness.next() else {
            Issue.record("expected a rejection")
            return
        }
        #expect(error.tag == "a1")
        #expect(try harness.next() == Harness.command("a2 NOOP"))
        #expect(try harness.next() == nil)
    }

    @Test func closeWritesThenClosesAndIgnoresFurtherInput() throws {
        let harness = try Harness()
        try harness.channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try harness.feed("a1 LOGOUT\r\na2 NOOP\r\n")
        #expect(try harness.frame() == Harness.command("a1 LOGOUT"))
        #expect(try harness.answer("* BYE\r\na1 OK\r\n", then: .close) == "* BYE\r\na1 OK\r\n")
        #expect(!harness.channel.isActive)
        #expect(try harness.frame() == nil)
    }
}

extension IMAPInboundFrame {
    /// The same command frame with a streamed literal's mark, as the framer reports it.
    func withStreamedLiteral(offset: Int, octets: Int) -> IMAPInboundFrame {
        guard case .framing(.command(var frame)) = self else { return self }
        frame.streamedLiterals.append(.init(offset: offset, octets: UInt64(octets)))
        return .framing(.command(frame))
    }
}
