// Real server on 127.0.0.1:0, a real SQLiteMailStore, real sockets: C:/S: transcripts.

import Foundation
import MailStore
import NIOCore
import Testing
@testable import POP3Server

@Suite(.timeLimit(.minutes(2)))
struct POP3ServerEndToEndTests {
    static let first = "Return-Path: <a@b.test>\r\nSubject: one\r\n\r\nHello\r\n"
    static let dotted = "Subject: dots\r\nX-Two: 2\r\n\r\n.leading dot\r\n..two dots\r\n.\r\nmiddle . dot\r\nlast\r\n"
    static let third = "Subject: three\r\n\r\nline 1\r\nline 2\r\nline 3\r\n"

    static func withMailbox(_ body: (POP3Fixture, Int, [UInt32]) async throws -> Void,
                            configure: (POP3Fixture) -> POP3Server.Configuration = { $0.configuration() }) async throws {
        let fixture = try await POP3Fixture.make()
        defer { fixture.tearDown() }
        var uids: [UInt32] = []
        for message in [first, dotted, third] { uids.append(try await fixture.append(message)) }
        try await fixture.withServer(configure(fixture)) { _, port in try await body(fixture, port, uids) }
    }

    @Test func userPassListingAndByteExactRetrieval() async throws {
        try await Self.withMailbox { fixture, port, uids in
            let client = try await POP3TestClient.connect(port: port)
            #expect(try await client.line() == "+OK pop.test POP3 Facteur ready")
            let capa = try await client.lines("CAPA")
            #expect(capa.lines.contains("SASL PLAIN LOGIN SCRAM-SHA-256"))
            #expect(capa.lines.contains("PIPELINING"))
            #expect(!capa.lines.contains("STLS"))
            #expect(try await client.command("USER \(POP3Fixture.address)") == "+OK send PASS")
            let sizes = [Self.first, Self.dotted, Self.third].map(\.utf8.count)
            let total = sizes.reduce(0, +)
            #expect(try await client.command("PASS \(POP3Fixture.password)") == "+OK maildrop has 3 messages (\(total) octets)")
            #expect(try await client.command("STAT") == "+OK 3 \(total)")
            let list = try await client.lines("LIST")
            #expect(list.lines == sizes.enumerated().map { "\($0.offset + 1) \($0.element)" })
            #expect(try await client.command("LIST 2") == "+OK 2 \(sizes[1])")
            let validity = fixture.inbox.uidValidity
            let uidl = try await client.lines("UIDL")
            #expect(uidl.lines == uids.enumerated().map { "\($0.offset + 1) \(validity).\($0.element)" })
            #expect(try await client.command("UIDL 3") == "+OK 3 \(validity).\(uids[2])")

            for (number, message) in [Self.first, Self.dotted, Self.third].enumerated() {
                let retr = try await client.multiline("RETR \(number + 1)")
                #expect(retr.status == "+OK \(message.utf8.count) octets")
                #expect(retr.body == Array(message.utf8))
            }
            let top = try await client.multiline("TOP 2 2")
            #expect(top.status.hasPrefix("+OK"))
            #expect(String(decoding: top.body, as: UTF8.self) == "Subject: dots\r\nX-Two: 2\r\n\r\n.leading dot\r\n..two dots\r\n")
            let headerOnly = try await client.multiline("TOP 3 0")
            #expect(String(decoding: headerOnly.body, as: UTF8.self) == "Subject: three\r\n\r\n")
            #expect(try await client.command("NOOP") == "+OK")
            #expect(try await client.command("QUIT") == "+OK pop.test POP3 server signing off (3 messages left)")
            #expect(await client.isClosedByServer())
            #expect(try await fixture.inboxUIDs() == uids)
        }
    }

    @Test func dotStuffingOnTheWire() async throws {
        try await Self.withMailbox { fixture, port, _ in
            let client = try await fixture.login(port: port)
            try await client.send("RETR 2\r\n")
            var raw: [String] = []
            while true {
                let line = try await client.line()
                raw.append(line)
                if line == "." { break }
            }
            #expect(raw.dropFirst() == ["Subject: dots", "X-Two: 2", "", "..leading dot", "...two dots", "..",
                                        "middle . dot", "last", "."])
        }
    }

    @Test func authPlainWithInitialResponseAndContinuation() async throws {
        try await Self.withMailbox { fixture, port, _ in
            let plain = Array("\0\(POP3Fixture.address)\0\(POP3Fixture.password)".utf8).base64
            let client = try await POP3TestClient.connect(port: port)
            _ = try await client.line()
            let mechanisms = try await client.lines("AUTH")
            #expect(mechanisms.lines == ["PLAIN", "LOGIN", "SCRAM-SHA-256"])
            #expect(try await client.command("AUTH PLAIN \(plain)") == "+OK maildrop has 3 messages (\(fixture.inboxOctets) octets)")
            #expect(try await client.command("QUIT").hasPrefix("+OK"))

            let second = try await POP3TestClient.connect(port: port)
            _ = try await second.line()
            #expect(try await second.command("AUTH PLAIN") == "+ ")
            #expect(try await second.command(plain).hasPrefix("+OK maildrop has 3 messages"))
            #expect(try await second.command("QUIT").hasPrefix("+OK"))

            let third = try await POP3TestClient.connect(port: port)
            _ = try await third.line()
            let wrong = Array("\0\(POP3Fixture.address)\0nope".utf8).base64
            #expect(try await third.command("AUTH PLAIN \(wrong)") == "-ERR [AUTH] invalid user name or password")
            #expect(try await third.command("AUTH PLAIN") == "+ ")
            #expect(try await third.command("*") == "-ERR authentication cancelled")
            #expect(try await third.command("USER \(POP3Fixture.address)") == "+OK send PASS")
            #expect(try await third.command("PASS nope") == "-ERR [AUTH] invalid user name or password")
        }
    }

    @Test func deleThenQuitExpungesInTheStore() async throws {
        try await Self.withMailbox { fixture, port, uids in
            let client = try await fixture.login(port: port)
            #expect(try await client.command("DELE 1") == "+OK message 1 deleted")
            #expect(try await client.command("DELE 3") == "+OK message 3 deleted")
            #expect(try await client.command("RETR 1") == "-ERR message 1 already deleted")
            // Nothing is removed before QUIT.
            #expect(try await fixture.inboxUIDs() == uids)
            #expect(try await client.command("QUIT") == "+OK pop.test POP3 server signing off (1 messages left)")
            #expect(try await fixture.inboxUIDs() == [uids[1]])
            // The next session numbers the remaining message 1.
            let next = try await fixture.login(port: port)
            #expect(try await next.command("STAT") == "+OK 1 \(Self.dotted.utf8.count)")
        }
    }

    @Test func deleThenRsetThenQuitKeepsEverything() async throws {
        try await Self.withMailbox { fixture, port, uids in
            let client = try await fixture.login(port: port)
            _ = try await client.command("DELE 2")
            #expect(try await client.command("RSET").hasPrefix("+OK maildrop has 3 messages"))
            _ = try await client.command("QUIT")
            #expect(try await fixture.inboxUIDs() == uids)
        }
    }

    @Test func deleThenDroppedConnectionDeletesNothing() async throws {
        try await Self.withMailbox { fixture, port, uids in
            let client = try await fixture.login(port: port)
            _ = try await client.command("DELE 1")
            _ = try await client.command("DELE 2")
            await client.close()
            // The lock comes free once the server noticed; then everything is still there.
            let next = try await Self.loginWhenFree(fixture, port: port)
            #expect(try await next.command("STAT").hasPrefix("+OK 3 "))
            #expect(try await fixture.inboxUIDs() == uids)
        }
    }

    @Test func secondSessionIsInUseUntilTheFirstQuits() async throws {
        try await Self.withMailbox { fixture, port, _ in
            let first = try await fixture.login(port: port)
            let second = try await POP3TestClient.connect(port: port)
            _ = try await second.line()
            _ = try await second.command("USER \(POP3Fixture.address)")
            #expect(try await second.command("PASS \(POP3Fixture.password)") ==
                    "-ERR [IN-USE] maildrop already locked by another POP3 session")
            let plain = Array("\0\(POP3Fixture.address)\0\(POP3Fixture.password)".utf8).base64
            #expect(try await second.command("AUTH PLAIN \(plain)").hasPrefix("-ERR [IN-USE]"))
            #expect(try await first.command("QUIT").hasPrefix("+OK"))
            _ = try await second.command("USER \(POP3Fixture.address)")
            #expect(try await second.command("PASS \(POP3Fixture.password)").hasPrefix("+OK maildrop has 3"))
        }
    }

    @Test func messageExpungedByAnotherSessionMeanwhile() async throws {
        try await Self.withMailbox { fixture, port, uids in
            let client = try await fixture.login(port: port)
            // An IMAP session expunges message 2 behind the POP3 session's back.
            _ = try await fixture.store.expunge(mailboxID: fixture.inbox.id, uids: [uids[1]])
            #expect(try await client.command("RETR 2") == "-ERR message was removed by another session")
            #expect(try await client.command("DELE 2") == "+OK message 2 deleted")
            #expect(try await client.command("DELE 3") == "+OK message 3 deleted")
            #expect(try await client.command("QUIT").hasPrefix("+OK"))
            #expect(try await fixture.inboxUIDs() == [uids[0]])
        }
    }

    @Test func errorsBeforeAndAfterLogin() async throws {
        try await Self.withMailbox { fixture, port, _ in
            let client = try await POP3TestClient.connect(port: port)
            _ = try await client.line()
            #expect(try await client.command("RETR 1") == "-ERR not logged in; use USER/PASS or AUTH")
            #expect(try await client.command("STAT").hasPrefix("-ERR"))
            #expect(try await client.command("XYZZY") == "-ERR unknown command")
            #expect(try await client.command("APOP alice 0123") == "-ERR unknown command")
            #expect(try await client.command("PASS x") == "-ERR send USER first")
            _ = try await client.command("USER \(POP3Fixture.address)")
            #expect(try await client.command("PASS \(POP3Fixture.password)").hasPrefix("+OK"))
            #expect(try await client.command("RETR 0") == "-ERR no such message")
            #expect(try await client.command("RETR 4294967296") == "-ERR no such message")
            #expect(try await client.command("RETR 99999999999") == "-ERR invalid message number")
            #expect(try await client.command("LIST abc") == "-ERR invalid message number")
            #expect(try await client.command("TOP 1") == "-ERR missing argument")
            #expect(try await client.command("USER bob") == "-ERR command not valid in TRANSACTION state")
            #expect(try await client.command("NOOP") == "+OK")
        }
    }

    @Test func pipelinedCommandsAreAnsweredInOrder() async throws {
        try await Self.withMailbox { fixture, port, uids in
            // Read before the pipeline: its QUIT may have expunged message 1 by the time STAT's
            // answer is checked (the session answers on its event loop, faster than this client).
            let octets = try await fixture.inboxOctets
            let client = try await POP3TestClient.connect(port: port)
            _ = try await client.line()
            try await client.send("USER \(POP3Fixture.address)\r\nPASS \(POP3Fixture.password)\r\nSTAT\r\nUIDL 1\r\n"
                                  + "LIST\r\nDELE 1\r\nSTAT\r\nRETR 3\r\nBOGUS\r\nQUIT\r\n")
            #expect(try await client.line() == "+OK send PASS")
            #expect(try await client.line().hasPrefix("+OK maildrop has 3 messages"))
            #expect(try await client.line() == "+OK 3 \(octets)")
            #expect(try await client.line() == "+OK 1 \(fixture.inbox.uidValidity).\(uids[0])")
            #expect(try await client.line().hasPrefix("+OK 3 messages"))
            #expect(try await client.body().count == 3 * 5 + 3)
            #expect(try await client.line() == "+OK message 1 deleted")
            #expect(try await client.line().hasPrefix("+OK 2 "))
            #expect(try await client.line().hasPrefix("+OK"))
            #expect(try await client.body() == Array(Self.third.utf8))
            #expect(try await client.line() == "-ERR unknown command")
            #expect(try await client.line() == "+OK pop.test POP3 server signing off (2 messages left)")
            #expect(try await fixture.inboxUIDs() == Array(uids.dropFirst()))
        }
    }

    @Test func overlongLineIsRefusedAndTheSessionGoesOn() async throws {
        try await Self.withMailbox { fixture, port, _ in
            let client = try await POP3TestClient.connect(port: port)
            _ = try await client.line()
            #expect(try await client.command("USER " + String(repeating: "a", count: 5000)) == "-ERR line too long")
            #expect(try await client.command("USER a\u{0}b") == "-ERR invalid characters in command")
            #expect(try await client.command("CAPA").hasPrefix("+OK"))
            _ = try await client.body()
        }
    }

    @Test func tooManyErrorsCloseTheConnection() async throws {
        try await Self.withMailbox({ fixture, port, _ in
            let client = try await POP3TestClient.connect(port: port)
            _ = try await client.line()
            #expect(try await client.command("BAD") == "-ERR unknown command")
            #expect(try await client.command("BAD") == "-ERR unknown command")
            #expect(try await client.command("BAD") == "-ERR too many errors, closing connection")
            #expect(await client.isClosedByServer())
        }, configure: { $0.configuration(maxErrors: 3) })
    }

    @Test func idleTimeoutClosesWithoutCommitting() async throws {
        try await Self.withMailbox({ fixture, port, uids in
            let client = try await fixture.login(port: port)
            #expect(try await client.command("DELE 1").hasPrefix("+OK"))
            #expect(try await client.line() == "-ERR autologout; idle for too long")
            #expect(await client.isClosedByServer())
            #expect(try await fixture.inboxUIDs() == uids)
            // The lock was released with the connection.
            let next = try await Self.loginWhenFree(fixture, port: port)
            #expect(try await next.command("QUIT").hasPrefix("+OK"))
        // 2 s: the login before DELE (an Argon2 verification) must fit in the timer on a loaded machine.
        }, configure: { $0.configuration(idleTimeout: .seconds(2)) })
    }

    @Test func gracefulShutdownTellsIdleSessionsAndCommitsNothing() async throws {
        let fixture = try await POP3Fixture.make()
        defer { fixture.tearDown() }
        let uid = try await fixture.append(Self.first)
        try await fixture.withServer(fixture.configuration()) { server, port in
            let client = try await fixture.login(port: port)
            #expect(try await client.command("DELE 1").hasPrefix("+OK"))
            server.shutdown()
            #expect(try await client.line() == "-ERR [SYS/TEMP] pop.test shutting down")
            #expect(await client.isClosedByServer())
        }
        #expect(try await fixture.inboxUIDs() == [uid])
    }

    @Test func largeMessageIsStreamedIntact() async throws {
        let fixture = try await POP3Fixture.make()
        defer { fixture.tearDown() }
        // ~20 MB: 1000-octet lines, every 7th starting with "." to exercise stuffing throughout.
        var message = Array("Subject: big\r\n\r\n".utf8)
        message.reserveCapacity(20_100_000)
        var lineNumber = 0
        while message.count < 20_000_000 {
            let first: UInt8 = lineNumber % 7 == 0 ? UInt8(ascii: ".") : UInt8(ascii: "a") + UInt8(lineNumber % 26)
            message.append(first)
            message.append(contentsOf: repeatElement(UInt8(ascii: "0") + UInt8(lineNumber % 10), count: 997))
            message.append(contentsOf: [13, 10])
            lineNumber += 1
        }
        try await fixture.append(message)
        try await fixture.withServer(fixture.configuration()) { _, port in
            let client = try await fixture.login(port: port)
            #expect(try await client.command("LIST 1") == "+OK 1 \(message.count)")
            let retr = try await client.multiline("RETR 1")
            #expect(retr.status == "+OK \(message.count) octets")
            #expect(retr.body.count == message.count)
            #expect(retr.body == message)
            let top = try await client.multiline("TOP 1 3")
            #expect(top.body == Array(message[..<(16 + 3 * 1000)]))
            #expect(try await client.command("QUIT").hasPrefix("+OK"))
        }
    }

    /// Retries a login while the previous session's lock is still being released.
    static func loginWhenFree(_ fixture: POP3Fixture, port: Int) async throws -> POP3TestClient {
        for _ in 0..<50 {
            do {
                return try await fixture.login(port: port)
            } catch let error as POP3Fixture.LoginFailed where error.reply.hasPrefix("-ERR [IN-USE]") {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        return try await fixture.login(port: port)
    }
}

extension POP3Fixture {
    var inboxOctets: Int {
        get async throws { try await store.messages(mailboxID: inbox.id).reduce(0) { $0 + $1.size } }
    }
}

extension Array where Element == UInt8 {
    var base64: String { Data(self).base64EncodedString() }
}
