import Testing
@testable import SMTPServer

@Suite struct SMTPSessionStateMachineTests {
    typealias Action = SMTPSessionStateMachine.Action

    static func machine(kind: SMTPSessionInfo.Kind = .smtp, maxSize: Int = 1000, maxRecipients: Int = 100,
                        tls: Bool = false) -> SMTPSessionStateMachine {
        SMTPSessionStateMachine(configuration: .init(kind: kind, hostname: "mx.test", maxMessageSize: maxSize,
                                                     maxRecipients: maxRecipients, tlsAvailable: tls))
    }

    static func codes(_ action: Action) -> [Int] {
        switch action {
        case .reply(let replies): replies.map(\.code)
        case .replyAndClose(let reply), .startData(let reply), .startTLS(let reply): [reply.code]
        default: []
        }
    }

    static func send(_ machine: inout SMTPSessionStateMachine, _ line: String) -> Action {
        do throws(SMTPCommandError) {
            return machine.command(.success(try SMTPCommandParser.parse(Array(line.utf8))))
        } catch {
            return machine.command(.failure(error))
        }
    }

    /// Drives MAIL + one accepted RCPT.
    static func openTransaction(_ machine: inout SMTPSessionStateMachine, ehlo: String = "EHLO c.test") {
        _ = send(&machine, ehlo)
        _ = send(&machine, "MAIL FROM:<a@c.test>")
        if case .checkRecipient(let recipient, _) = send(&machine, "RCPT TO:<b@mx.test>") {
            _ = machine.recipientChecked(recipient, refusal: nil)
        }
    }

    @Test func greetingAndEHLOKeywords() {
        var machine = Self.machine(tls: true)
        #expect(machine.greeting.description == "220 mx.test ESMTP Facteur")
        guard case .reply(let replies) = Self.send(&machine, "EHLO c.test") else { Issue.record("no reply"); return }
        #expect(replies.count == 1)
        #expect(replies[0].lines == ["mx.test greets c.test", "PIPELINING", "8BITMIME", "SIZE 1000",
                                     "ENHANCEDSTATUSCODES", "SMTPUTF8", "CHUNKING", "BINARYMIME", "DSN", "STARTTLS"])
        #expect(!Self.machine(tls: false).extensions.contains("STARTTLS"))
    }

    @Test func fullTransaction() {
        var machine = Self.machine()
        #expect(Self.codes(Self.send(&machine, "EHLO c.test")) == [250])
        #expect(Self.send(&machine, "MAIL FROM:<a@c.test>") == .reply([SMTPReply(250, "2.1.0", "Ok")]))
        let rcpt = Self.send(&machine, "RCPT TO:<b@mx.test>")
        guard case .checkRecipient(let recipient, let envelope) = rcpt else { Issue.record("\(rcpt)"); return }
        #expect(recipient.address == "b@mx.test")
        #expect(envelope.reversePath == "a@c.test")
        #expect(machine.recipientChecked(recipient, refusal: nil) == .reply([SMTPReply(250, "2.1.5", "Ok")]))
        #expect(Self.codes(Self.send(&machine, "DATA")) == [354])
        let message = Array("Subject: hi\r\n\r\nbody\r\n".utf8)
        guard case .deliver(let bytes, let final) = machine.dataReceived(message, tooLarge: false, bareLineEnding: false) else {
            Issue.record("no deliver"); return
        }
        #expect(bytes == message)
        #expect(final.recipients.map(\.address) == ["b@mx.test"])
        #expect(machine.delivered([SMTPReply(250, "2.0.0", "Stored")]) == .reply([SMTPReply(250, "2.0.0", "Stored")]))
        // Back to ready: a new MAIL is fine.
        #expect(Self.codes(Self.send(&machine, "MAIL FROM:<>")) == [250])
    }

    static let badSequences: [(setup: [String], line: String, code: Int)] = [
        ([], "MAIL FROM:<a@c.test>", 503),
        (["EHLO c"], "RCPT TO:<b@mx.test>", 503),
        (["EHLO c"], "DATA", 503),
        (["EHLO c", "MAIL FROM:<a@c.test>"], "MAIL FROM:<a@c.test>", 503),
        (["EHLO c", "MAIL FROM:<a@c.test>"], "DATA", 554),
        (["EHLO c"], "AUTH PLAIN", 502),
        (["EHLO c"], "MAIL FROM:<a@c.test> SIZE=1001", 552),
        (["HELO c"], "MAIL FROM:<a@c.test> BODY=8BITMIME", 555),
        (["EHLO c"], "LHLO c", 500),
        (["EHLO c"], "STARTTLS", 454),
        (["EHLO c", "MAIL FROM:<a@c.test>"], "RCPT TO:<δοκιμή@mx.test>", 553),
        ([], "VRFY x", 252),
        ([], "HELP", 214),
        ([], "NOOP", 250),
        ([], "RSET", 250),
        ([], "EXPN x", 502),
        ([], "QUIT", 221),
    ]

    @Test(arguments: badSequences)
    func repliesInSequence(setup: [String], line: String, code: Int) {
        var machine = Self.machine()
        for command in setup { _ = Self.send(&machine, command) }
        #expect(Self.codes(Self.send(&machine, line)) == [code])
    }

    @Test func bareEnhancedCodesForSequenceAndSyntax() {
        var machine = Self.machine()
        #expect(Self.send(&machine, "MAIL FROM:<a@c.test>") == .reply([SMTPReply(503, "5.5.1", "Send EHLO first")]))
        #expect(Self.send(&machine, "FOO") == .reply([SMTPReply(500, "5.5.2", "Command unrecognized")]))
        guard case .reply(let replies) = Self.send(&machine, "MAIL FROM:x") else { Issue.record(); return }
        #expect(replies.first?.code == 501 && replies.first?.enhancedCode == "5.5.4")
    }

    @Test func quitCloses() {
        var machine = Self.machine()
        #expect(Self.send(&machine, "QUIT") == .replyAndClose(SMTPReply(221, "2.0.0", "mx.test closing connection")))
    }

    @Test func rsetAndEHLOResetTheTransaction() {
        var machine = Self.machine()
        Self.openTransaction(&machine)
        #expect(machine.isInTransaction)
        #expect(Self.codes(Self.send(&machine, "RSET")) == [250])
        #expect(!machine.isInTransaction)
        #expect(Self.codes(Self.send(&machine, "RCPT TO:<b@mx.test>")) == [503])
        Self.openTransaction(&machine)
        #expect(Self.codes(Self.send(&machine, "EHLO again")) == [250])
        #expect(Self.codes(Self.send(&machine, "DATA")) == [503])
    }

    @Test func refusedRecipientIsNotAdded() {
        var machine = Self.machine()
        _ = Self.send(&machine, "EHLO c")
        _ = Self.send(&machine, "MAIL FROM:<a@c.test>")
        guard case .checkRecipient(let recipient, _) = Self.send(&machine, "RCPT TO:<nobody@mx.test>") else { Issue.record(); return }
        let refusal = SMTPReply(550, "5.1.1", "No such user")
        #expect(machine.recipientChecked(recipient, refusal: refusal) == .reply([refusal]))
        #expect(Self.send(&machine, "DATA") == .reply([SMTPReply(554, "5.5.1", "No valid recipients")]))
    }

    @Test func recipientLimitGives452() {
        var machine = Self.machine(maxRecipients: 3)
        _ = Self.send(&machine, "EHLO c")
        _ = Self.send(&machine, "MAIL FROM:<a@c.test>")
        for index in 0..<3 {
            guard case .checkRecipient(let recipient, _) = Self.send(&machine, "RCPT TO:<u\(index)@mx.test>") else {
                Issue.record(); return
            }
            _ = machine.recipientChecked(recipient, refusal: nil)
        }
        #expect(Self.send(&machine, "RCPT TO:<u4@mx.test>") == .reply([SMTPReply(452, "4.5.3", "Too many recipients")]))
        #expect(Self.codes(Self.send(&machine, "DATA")) == [354])
    }

    @Test func oversizedAndBareLineEndingDataIsRefused() {
        var machine = Self.machine()
        Self.openTransaction(&machine)
        _ = Self.send(&machine, "DATA")
        #expect(machine.dataReceived([], tooLarge: true, bareLineEnding: false) == .reply([.messageTooLarge]))
        Self.openTransaction(&machine)
        _ = Self.send(&machine, "DATA")
        #expect(Self.codes(machine.dataReceived([], tooLarge: false, bareLineEnding: true)) == [554])
    }

    @Test func binaryMIMENeedsBDAT() {
        var machine = Self.machine()
        _ = Self.send(&machine, "EHLO c")
        _ = Self.send(&machine, "MAIL FROM:<a@c.test> BODY=BINARYMIME")
        if case .checkRecipient(let recipient, _) = Self.send(&machine, "RCPT TO:<b@mx.test>") {
            _ = machine.recipientChecked(recipient, refusal: nil)
        }
        #expect(Self.codes(Self.send(&machine, "DATA")) == [503])
        #expect(Self.send(&machine, "BDAT 3 LAST") == .readChunk(size: 3, keep: true))
        guard case .deliver(let bytes, let envelope) = machine.chunkReceived([1, 0, 2]) else { Issue.record(); return }
        #expect(bytes == [1, 0, 2])
        #expect(envelope.body == "BINARYMIME")
    }

    @Test func bdatChunksAccumulate() {
        var machine = Self.machine()
        Self.openTransaction(&machine)
        #expect(Self.send(&machine, "BDAT 2") == .readChunk(size: 2, keep: true))
        #expect(machine.chunkReceived([65, 66]) == .reply([SMTPReply(250, "2.0.0", "2 octets received")]))
        #expect(Self.codes(Self.send(&machine, "DATA")) == [503])  // RFC 3030: no DATA inside BDAT
        #expect(Self.send(&machine, "BDAT 1 LAST") == .readChunk(size: 1, keep: true))
        guard case .deliver(let bytes, _) = machine.chunkReceived([67]) else { Issue.record(); return }
        #expect(bytes == [65, 66, 67])
    }

    @Test func bdatWithoutTransactionIsReadThenRefused() {
        var machine = Self.machine()
        _ = Self.send(&machine, "EHLO c")
        #expect(Self.send(&machine, "BDAT 5 LAST") == .readChunk(size: 5, keep: false))
        #expect(machine.chunkReceived(nil) == .reply([.badSequence]))
    }

    @Test func bdatOverTheLimitIsDiscardedThen552() {
        var machine = Self.machine(maxSize: 10)
        Self.openTransaction(&machine)
        #expect(Self.send(&machine, "BDAT 8") == .readChunk(size: 8, keep: true))
        _ = machine.chunkReceived(Array(repeating: 1, count: 8))
        #expect(Self.send(&machine, "BDAT 8") == .readChunk(size: 8, keep: false))
        #expect(machine.chunkReceived(nil) == .reply([.messageTooLarge]))
        #expect(Self.send(&machine, "BDAT 1 LAST") == .readChunk(size: 1, keep: false))
        #expect(machine.chunkReceived(nil) == .reply([.messageTooLarge]))
        #expect(!machine.isInTransaction)
    }

    @Test func lmtpNeedsLHLOAndRepliesPerRecipient() {
        var machine = Self.machine(kind: .lmtp)
        #expect(machine.greeting.description == "220 mx.test LMTP Facteur")
        #expect(Self.codes(Self.send(&machine, "EHLO c")) == [500])
        #expect(Self.codes(Self.send(&machine, "HELO c")) == [500])
        #expect(Self.codes(Self.send(&machine, "LHLO c")) == [250])
        _ = Self.send(&machine, "MAIL FROM:<a@c.test>")
        #expect(Self.codes(Self.send(&machine, "DATA")) == [503])  // RFC 2033 §4.2
        for name in ["x", "y"] {
            if case .checkRecipient(let recipient, _) = Self.send(&machine, "RCPT TO:<\(name)@mx.test>") {
                _ = machine.recipientChecked(recipient, refusal: nil)
            }
        }
        _ = Self.send(&machine, "DATA")
        _ = machine.dataReceived([], tooLarge: false, bareLineEnding: false)
        let replies = [SMTPReply(250, "2.0.0", "x ok"), SMTPReply(452, "4.2.2", "y over quota")]
        #expect(machine.delivered(replies) == .reply(replies))
    }

    @Test func lmtpRepeatsMessageFailurePerRecipient() {
        var machine = Self.machine(kind: .lmtp)
        Self.openTransaction(&machine, ehlo: "LHLO c")
        if case .checkRecipient(let recipient, _) = Self.send(&machine, "RCPT TO:<z@mx.test>") {
            _ = machine.recipientChecked(recipient, refusal: nil)
        }
        _ = Self.send(&machine, "DATA")
        #expect(machine.dataReceived([], tooLarge: true, bareLineEnding: false) == .reply([.messageTooLarge, .messageTooLarge]))
    }

    @Test func smtpSendsOneReplyPreferringSuccess() {
        var machine = Self.machine()
        Self.openTransaction(&machine)
        if case .checkRecipient(let recipient, _) = Self.send(&machine, "RCPT TO:<second@mx.test>") {
            _ = machine.recipientChecked(recipient, refusal: nil)
        }
        _ = Self.send(&machine, "DATA")
        _ = machine.dataReceived([], tooLarge: false, bareLineEnding: false)
        let ok = SMTPReply(250, "2.0.0", "ok")
        #expect(machine.delivered([SMTPReply(550, "5.1.1", "no"), ok]) == .reply([ok]))
        Self.openTransaction(&machine)
        _ = Self.send(&machine, "DATA")
        _ = machine.dataReceived([], tooLarge: false, bareLineEnding: false)
        #expect(machine.delivered([]) == .reply([SMTPReply(451, "4.3.0", "Delivery failed, try again later")]))
    }

    @Test func startTLSResetsTheSession() {
        var machine = Self.machine(tls: true)
        _ = Self.send(&machine, "EHLO c")
        #expect(Self.send(&machine, "STARTTLS") == .startTLS(SMTPReply(220, "2.0.0", "Ready to start TLS")))
        machine.tlsEstablished()
        #expect(machine.heloName == nil)
        #expect(Self.codes(Self.send(&machine, "MAIL FROM:<a@c.test>")) == [503])
        guard case .reply(let replies) = Self.send(&machine, "EHLO c") else { Issue.record(); return }
        #expect(!replies[0].lines.contains("STARTTLS"))
        #expect(Self.codes(Self.send(&machine, "STARTTLS")) == [503])
    }

    @Test func tenErrorsClose() {
        var machine = Self.machine()
        for _ in 0..<9 { #expect(Self.codes(Self.send(&machine, "BOGUS")) == [500]) }
        #expect(Self.send(&machine, "BOGUS") == .replyAndClose(.tooManyErrors))
    }

    @Test func shutdownAndTimeoutClose() {
        var machine = Self.machine()
        #expect(Self.send(&machine, "EHLO c") != .replyAndClose(.tooManyErrors))
        #expect(machine.shutdown() == .replyAndClose(SMTPReply(421, "4.3.2", "mx.test shutting down")))
        var other = Self.machine()
        guard case .replyAndClose(let reply) = other.timedOut() else { Issue.record(); return }
        #expect(reply.code == 421)
    }

    @Test func completionWithoutRequestIsAnInternalError() {
        var machine = Self.machine()
        #expect(Self.codes(machine.chunkReceived(nil)) == [451])
    }
}
