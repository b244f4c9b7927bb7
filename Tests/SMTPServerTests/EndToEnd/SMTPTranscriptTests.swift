// RFC 5321 Appendix D scenarios replayed against the real server. Replies are compared by code
// (our texts differ from the RFC's); "nnn-" continuation lines of the RFC's EHLO are skipped.

import Logging
import Testing
@testable import SMTPServer

@Suite(.timeLimit(.minutes(1)))
struct SMTPTranscriptTests {
    static let scenarios: [(name: String, transcript: String)] = [
        ("D.1 typical transaction", """
        S: 220 foo.com Simple Mail Transfer Service Ready
        C: EHLO bar.com
        S: 250-foo.com greets bar.com
        S: 250 HELP
        C: MAIL FROM:<Smith@bar.com>
        S: 250 OK
        C: RCPT TO:<Jones@foo.com>
        S: 250 OK
        C: RCPT TO:<Green@foo.com>
        S: 550 No such user here
        C: RCPT TO:<Brown@foo.com>
        S: 250 OK
        C: DATA
        S: 354 Start mail input; end with <CRLF>.<CRLF>
        C: Blah blah blah...
        C: ...etc. etc. etc.
        C: .
        S: 250 OK
        C: QUIT
        S: 221 foo.com Service closing transmission channel
        """),
        ("D.2 aborted transaction", """
        S: 220 foo.com Simple Mail Transfer Service Ready
        C: EHLO bar.com
        S: 250 HELP
        C: MAIL FROM:<Smith@bar.com>
        S: 250 OK
        C: RCPT TO:<Jones@foo.com>
        S: 250 OK
        C: RCPT TO:<Green@foo.com>
        S: 550 No such user here
        C: RSET
        S: 250 OK
        C: QUIT
        S: 221 foo.com Service closing transmission channel
        """),
        ("D.3 relayed mail (second hop)", """
        S: 220 xyz.com Simple Mail Transfer Service Ready
        C: EHLO foo.com
        S: 250 xyz.com is on the air
        C: MAIL FROM:<JQP@bar.com>
        S: 250 OK
        C: RCPT TO:<Jones@XYZ.COM>
        S: 250 OK
        C: DATA
        S: 354 Start mail input; end with <CRLF>.<CRLF>
        C: Received: from bar.com by foo.com ; Thu, 21 May 1998
        C:     05:33:29 -0700
        C: Date: Thu, 21 May 1998 05:33:22 -0700
        C: From: John Q. Public <JQP@bar.com>
        C: Subject:  The Next Meeting of the Board
        C: To: Jones@xyz.com
        C:
        C: Bill:
        C: The next meeting of the board of directors will be
        C: on Tuesday.
        C:                         John.
        C: .
        S: 250 OK
        C: QUIT
        S: 221 foo.com Service closing transmission channel
        """),
        // D.4 with one deliberate difference: VRFY gets 252 (RFC 5321 §3.5.3), never a real answer.
        ("D.4 verifying and sending", """
        S: 220 foo.com Simple Mail Transfer Service Ready
        C: EHLO bar.com
        S: 250 HELP
        C: VRFY Crispin
        S: 252 Cannot VRFY
        C: MAIL FROM:<EAK@bar.com>
        S: 250 OK
        C: RCPT TO:<Admin.MRC@foo.com>
        S: 250 OK
        C: DATA
        S: 354 Start mail input; end with <CRLF>.<CRLF>
        C: Blah blah blah...
        C: ...etc. etc. etc.
        C: .
        S: 250 OK
        C: QUIT
        S: 221 foo.com Service closing transmission channel
        """),
    ]

    @Test(arguments: scenarios)
    func replaysScenario(name: String, transcript: String) async throws {
        let receiver = TestReceiver(unknownUsers: ["Green@foo.com"])
        let configuration = SMTPServer.Configuration(port: 0, hostname: "foo.com")
        try await SMTPServerEndToEndTests.withServer(configuration, receiver: receiver) { _, port in
            let client = try await SMTPTestClient.connect(port: port)
            var pending = ""
            for line in transcript.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("C:") {
                    pending += line.dropFirst(line.hasPrefix("C: ") ? 3 : 2) + "\r\n"
                } else if line.hasPrefix("S: ") {
                    let expected = line.dropFirst(3)
                    if expected.dropFirst(3).hasPrefix("-") { continue }
                    if !pending.isEmpty {
                        try await client.send(pending)
                        pending = ""
                    }
                    let reply = try await client.readReply()
                    #expect(reply.last?.prefix(3) == expected.prefix(3), "\(name): \(line) got \(reply)")
                }
            }
            #expect(await client.isClosedByServer())
        }
        #expect(await receiver.deliveries.count == (name.hasPrefix("D.2") ? 0 : 1))
    }
}
