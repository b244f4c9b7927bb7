// Real server on 127.0.0.1:0, real sockets, C:/S: transcripts.

import NetworkTestSupport
import Logging
import NIOCore
import NIOSSL
import Testing
@testable import SMTPServer

extension SMTPServer: RunnableTestServer {}

@Suite(.timeLimit(.minutes(2)))
struct SMTPServerEndToEndTests {
    static func withServer(_ configuration: SMTPServer.Configuration, receiver: TestReceiver,
                           _ body: (SMTPServer, Int) async throws -> Void) async throws {
        let server = SMTPServer(configuration: configuration, receiver: receiver,
                                logger: Logger(label: "smtp-test"))
        try await MailServerTestFixture.withServer(server, body)
    }

    static func configuration(kind: SMTPSessionInfo.Kind = .smtp, tls: NIOSSLContext? = nil,
                              dataTimeout: TimeAmount = .minutes(3)) -> SMTPServer.Configuration {
        SMTPServer.Configuration(kind: kind, host: "127.0.0.1", port: 0, hostname: "mx.test",
                                 maxMessageSize: 1_000_000, dataTimeout: dataTimeout,
                                 shutdownGracePeriod: .seconds(5), tlsContext: tls)
    }

    @Test func simpleTransaction() async throws {
        let receiver = TestReceiver()
        try await Self.withServer(Self.configuration(), receiver: receiver) { _, port in
            let client = try await SMTPTestClient.connect(port: port)
            #expect(try await client.reply() == "220 mx.test ESMTP Facteur")
            try await client.send("EHLO client.test\r\n")
            let ehlo = try await client.readReply()
            #expect(ehlo.first == "250-mx.test greets client.test")
            #expect(ehlo.contains("250-SIZE 1000000"))
            #expect(!ehlo.contains { $0.hasSuffix("STARTTLS") })
            try await client.send("MAIL FROM:<alice@client.test>\r\n")
            #expect(try await client.reply() == "250 2.1.0 Ok")
            try await client.send("RCPT TO:<bob@mx.test>\r\n")
            #expect(try await client.reply() == "250 2.1.5 Ok")
            try await client.send("DATA\r\n")
            #expect(try await client.reply().hasPrefix("354 "))
            try await client.send("Subject: hi\r\n\r\n..dotted\r\nbody\r\n.\r\n")
            #expect(try await client.reply() == "250 2.0.0 bob@mx.test stored")
            try await client.send("QUIT\r\n")
            #expect(try await client.reply() == "221 2.0.0 mx.test closing connection")
            #expect(await client.isClosedByServer())
        }
        let deliveries = await receiver.deliveries
        #expect(deliveries.count == 1)
        #expect(deliveries.first.map { String(decoding: $0.message, as: UTF8.self) } == "Subject: hi\r\n\r\n.dotted\r\nbody\r\n")
        #expect(deliveries.first?.session.heloName == "client.test")
        #expect(deliveries.first?.session.usedEHLO == true)
        #expect(deliveries.first?.session.remoteAddress == "127.0.0.1")
    }

    @Test func pipelinedTransactionInOneWrite() async throws {
        let receiver = TestReceiver(unknownUsers: ["nobody@mx.test"])
        try await Self.withServer(Self.configuration(), receiver: receiver) { _, port in
            let client = try await SMTPTestClient.connect(port: port)
            _ = try await client.reply()
            try await client.send("EHLO c.test\r\nMAIL FROM:<a@c.test>\r\nRCPT TO:<nobody@mx.test>\r\n"
                                  + "RCPT TO:<b@mx.test>\r\nDATA\r\nSubject: x\r\n\r\nhello\r\n.\r\nQUIT\r\n")
            let ehlo = try await client.readReply()
            #expect(ehlo.last?.hasPrefix("250 ") == true)
            #expect(try await client.reply() == "250 2.1.0 Ok")
            #expect(try await client.reply() == "550 5.1.1 No such user")
            #expect(try await client.reply() == "250 2.1.5 Ok")
            #expect(try await client.reply().hasPrefix("354"))
            #expect(try await client.reply() == "250 2.0.0 b@mx.test stored")
            #expect(try await client.reply().hasPrefix("221"))
        }
        #expect(await receiver.deliveries.first?.envelope.recipients.map(\.address) == ["b@mx.test"])
    }

    /// A pipelined group that reaches the error limit part-way: the replies held back so far go out
    /// before the 421, in order, and nothing after it is executed.
    @Test func pipelinedGroupClosingOnTooManyErrors() async throws {
        let receiver = TestReceiver()
        try await Self.withServer(Self.configuration(), receiver: receiver) { _, port in
            let client = try await SMTPTestClient.connect(port: port)
            _ = try await client.reply()
            try await client.send("EHLO c\r\n")
            _ = try await client.readReply()
            // RCPT before MAIL is a client error (RFC 5321 §4.1.4); the 10th closes.
            try await client.send(String(repeating: "RCPT TO:<b@mx.test>\r\n", count: 12)
                                  + "MAIL FROM:<a@c.test>\r\n")
            for _ in 0..<9 { #expect(try await client.reply() == "503 5.5.1 Bad sequence of commands") }
            #expect(try await client.reply() == "421 4.7.0 Too many errors, closing connection")
            #expect(await client.isClosedByServer())
        }
        #expect(await receiver.deliveries.isEmpty)
    }

    /// Two transactions in one write after EHLO (RSET, MAIL, RCPT… grouped, DATA last each time).
    @Test func pipelinedGroupsAcrossTwoTransactions() async throws {
        let receiver = TestReceiver()
        try await Self.withServer(Self.configuration(), receiver: receiver) { _, port in
            let client = try await SMTPTestClient.connect(port: port)
            _ = try await client.reply()
            try await client.send("EHLO c\r\n")
            _ = try await client.readReply()
            try await client.send("RSET\r\nMAIL FROM:<a@c.test>\r\nRCPT TO:<b@mx.test>\r\nDATA\r\n")
            #expect(try await client.reply() == "250 2.0.0 Ok")
            #expect(try await client.reply() == "250 2.1.0 Ok")
            #expect(try await client.reply() == "250 2.1.5 Ok")
            #expect(try await client.reply().hasPrefix("354"))
            try await client.send("Subject: 1\r\n\r\none\r\n.\r\nMAIL FROM:<a@c.test>\r\nRCPT TO:<c@mx.test>\r\n"
                                  + "RCPT TO:<d@mx.test>\r\nDATA\r\n")
            #expect(try await client.reply() == "250 2.0.0 b@mx.test stored")
            #expect(try await client.reply() == "250 2.1.0 Ok")
            #expect(try await client.reply() == "250 2.1.5 Ok")
            #expect(try await client.reply() == "250 2.1.5 Ok")
            #expect(try await client.reply().hasPrefix("354"))
            try await client.send("Subject: 2\r\n\r\ntwo\r\n.\r\n")
            #expect(try await client.reply().hasPrefix("250 "))
        }
        #expect(await receiver.deliveries.map { $0.envelope.recipients.map(\.address) }
                == [["b@mx.test"], ["c@mx.test", "d@mx.test"]])
    }

    @Test func bdatTransaction() async throws {
        let receiver = TestReceiver()
        try await Self.withServer(Self.configuration(), receiver: receiver) { _, port in
            let client = try await SMTPTestClient.connect(port: port)
            _ = try await client.reply()
            try await client.send("EHLO c\r\nMAIL FROM:<a@c.test> BODY=BINARYMIME\r\nRCPT TO:<b@mx.test>\r\n")
            _ = try await client.readReply()
            _ = try await client.reply()
            _ = try await client.reply()
            try await client.sendBytes(Array("BDAT 3\r\n".utf8) + [0, 1, 2] + Array("BDAT 2 LAST\r\n".utf8) + [13, 10])
            #expect(try await client.reply() == "250 2.0.0 3 octets received")
            #expect(try await client.reply() == "250 2.0.0 b@mx.test stored")
        }
        #expect(await receiver.deliveries.first?.message == [0, 1, 2, 13, 10])
    }

    @Test func lmtpRepliesOncePerRecipient() async throws {
        let receiver = TestReceiver(fullMailboxes: ["full@mx.test"])
        try await Self.withServer(Self.configuration(kind: .lmtp), receiver: receiver) { _, port in
            let client = try await SMTPTestClient.connect(port: port)
            #expect(try await client.reply() == "220 mx.test LMTP Facteur")
            try await client.send("EHLO c\r\n")
            #expect(try await client.reply().hasPrefix("500 "))
            try await client.send("LHLO c\r\nMAIL FROM:<a@c.test>\r\nRCPT TO:<ok@mx.test>\r\nRCPT TO:<full@mx.test>\r\n")
            _ = try await client.readReply()
            _ = try await client.reply()
            #expect(try await client.reply() == "250 2.1.5 Ok")
            #expect(try await client.reply() == "250 2.1.5 Ok")
            try await client.send("DATA\r\n")
            _ = try await client.reply()
            try await client.send("Subject: x\r\n\r\nhi\r\n.\r\n")
            #expect(try await client.reply() == "250 2.0.0 ok@mx.test stored")
            #expect(try await client.reply() == "452 4.2.2 full@mx.test mailbox full")
            try await client.send("NOOP\r\n")
            #expect(try await client.reply() == "250 2.0.0 Ok")
        }
    }

    @Test func startTLSUpgradesAndResetsTheSession() async throws {
        let receiver = TestReceiver()
        let tls = try TestCertificate.makeServerContext()
        try await Self.withServer(Self.configuration(tls: tls), receiver: receiver) { _, port in
            let client = try await SMTPTestClient.connect(port: port)
            _ = try await client.reply()
            try await client.send("EHLO c\r\n")
            _ = try await client.readReply()
            try await client.send("STARTTLS\r\n")
            #expect(try await client.reply() == "220 2.0.0 Ready to start TLS")
            try await client.startTLS()
            try await client.send("MAIL FROM:<a@c.test>\r\n")
            #expect(try await client.reply() == "503 5.5.1 Send EHLO first")
            try await client.send("EHLO c\r\n")
            let ehlo = try await client.readReply()
            #expect(!ehlo.contains { $0.hasSuffix("STARTTLS") })
            try await client.send("MAIL FROM:<a@c.test>\r\nRCPT TO:<b@mx.test>\r\nDATA\r\n")
            _ = try await client.reply()
            _ = try await client.reply()
            _ = try await client.reply()
            try await client.send("Subject: tls\r\n\r\nsecret\r\n.\r\n")
            #expect(try await client.reply() == "250 2.0.0 b@mx.test stored")
        }
        let session = await receiver.deliveries.first?.session
        #expect(session?.tls?.version.hasPrefix("TLSv1.") == true)
        #expect(session?.protocolName == "ESMTPS")
    }

    @Test func ehloAnnouncesStartTLSWhenConfigured() async throws {
        let tls = try TestCertificate.makeServerContext()
        try await Self.withServer(Self.configuration(tls: tls), receiver: TestReceiver()) { _, port in
            let client = try await SMTPTestClient.connect(port: port)
            _ = try await client.reply()
            try await client.send("EHLO c\r\n")
            #expect(try await client.readReply().last == "250 STARTTLS")
        }
    }

    /// CVE-2011-0411: plaintext pipelined after STARTTLS must not run inside the TLS session.
    @Test func bytesBufferedAfterStartTLSAreDiscarded() async throws {
        let tls = try TestCertificate.makeServerContext()
        try await Self.withServer(Self.configuration(tls: tls), receiver: TestReceiver()) { _, port in
            let client = try await SMTPTestClient.connect(port: port)
            _ = try await client.reply()
            try await client.send("EHLO c\r\n")
            _ = try await client.readReply()
            try await client.send("STARTTLS\r\nHELP\r\n")
            #expect(try await client.reply() == "220 2.0.0 Ready to start TLS")
            try await client.startTLS()
            try await client.send("NOOP\r\n")
            // Had "HELP" been executed, its 214 would come first.
            #expect(try await client.reply() == "250 2.0.0 Ok")
        }
    }

    @Test func tenThousandRecipientsGet452PastTheLimit() async throws {
        let receiver = TestReceiver()
        try await Self.withServer(Self.configuration(), receiver: receiver) { _, port in
            let client = try await SMTPTestClient.connect(port: port)
            _ = try await client.reply()
            try await client.send("EHLO c\r\n")
            _ = try await client.readReply()
            try await client.send("MAIL FROM:<a@c.test>\r\n")
            _ = try await client.reply()
            var batch = ""
            for index in 0..<10_000 { batch += "RCPT TO:<user\(index)@mx.test>\r\n" }
            try await client.send(batch)
            var accepted = 0
            var tooMany = 0
            for _ in 0..<10_000 {
                let reply = try await client.reply()
                if reply == "250 2.1.5 Ok" { accepted += 1 } else if reply == "452 4.5.3 Too many recipients" { tooMany += 1 }
            }
            #expect(accepted == 100)
            #expect(tooMany == 9_900)
            try await client.send("DATA\r\n")
            _ = try await client.reply()
            try await client.send("Subject: many\r\n\r\nx\r\n.\r\n")
            #expect(try await client.reply() == "250 2.0.0 user0@mx.test stored")
            try await client.send("NOOP\r\n")
            #expect(try await client.reply() == "250 2.0.0 Ok")
        }
        #expect(await receiver.recipientChecks == 100)
    }

    @Test func dataThatNeverEndsTimesOut() async throws {
        try await Self.withServer(Self.configuration(dataTimeout: .milliseconds(300)), receiver: TestReceiver()) { _, port in
            let client = try await SMTPTestClient.connect(port: port)
            _ = try await client.reply()
            try await client.send("EHLO c\r\nMAIL FROM:<a@c.test>\r\nRCPT TO:<b@mx.test>\r\nDATA\r\n")
            _ = try await client.readReply()
            _ = try await client.reply()
            _ = try await client.reply()
            #expect(try await client.reply().hasPrefix("354"))
            try await client.send("Subject: slow\r\n\r\nand then nothing")
            #expect(try await client.reply() == "421 4.4.2 mx.test timeout, closing connection")
            #expect(await client.isClosedByServer())
        }
    }

    @Test func gracefulShutdownSends421() async throws {
        let server = SMTPServer(configuration: Self.configuration(), receiver: TestReceiver(),
                                logger: Logger(label: "smtp-test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.localAddress().port ?? 0
            let client = try await SMTPTestClient.connect(port: port)
            _ = try await client.reply()
            try await client.send("EHLO c\r\n")
            _ = try await client.readReply()
            server.shutdown()
            #expect(try await client.reply() == "421 4.3.2 mx.test shutting down")
            #expect(await client.isClosedByServer())
            try await group.waitForAll()   // run() returns
        }
    }

    @Test func gracefulShutdownLetsDataFinish() async throws {
        let receiver = TestReceiver()
        // A grace period that a loaded CI machine cannot outlast between shutdown and the end of
        // DATA; passing does not wait for it (the server stops once the last connection closes).
        var configuration = Self.configuration()
        configuration.shutdownGracePeriod = .seconds(30)
        let server = SMTPServer(configuration: configuration, receiver: receiver, logger: Logger(label: "smtp-test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.localAddress().port ?? 0
            let client = try await SMTPTestClient.connect(port: port)
            _ = try await client.reply()
            try await client.send("EHLO c\r\nMAIL FROM:<a@c.test>\r\nRCPT TO:<b@mx.test>\r\nDATA\r\n")
            _ = try await client.readReply()
            _ = try await client.reply()
            _ = try await client.reply()
            _ = try await client.reply()
            try await client.send("Subject: late\r\n\r\n")
            server.shutdown()
            try await Task.sleep(for: .milliseconds(100))
            try await client.send("still here\r\n.\r\n")
            #expect(try await client.reply() == "250 2.0.0 b@mx.test stored")
            #expect(try await client.reply() == "421 4.3.2 mx.test shutting down")
            try await group.waitForAll()
        }
        #expect(await receiver.deliveries.count == 1)
    }

    @Test func lineTooLongAndNulBytesOverTheWire() async throws {
        try await Self.withServer(Self.configuration(), receiver: TestReceiver()) { _, port in
            let client = try await SMTPTestClient.connect(port: port)
            _ = try await client.reply()
            try await client.send("NOOP " + String(repeating: "x", count: 100_000) + "\r\n")
            #expect(try await client.reply() == "500 5.5.6 Line too long")
            try await client.sendBytes(Array("NO".utf8) + [0] + Array("OP\r\n".utf8))
            #expect(try await client.reply() == "500 5.5.2 Invalid characters in command")
            try await client.send("NOOP\r\n")
            #expect(try await client.reply() == "250 2.0.0 Ok")
        }
    }
    @Test func implicitTLSSpeaksTLSFromTheFirstByte() async throws {
        let receiver = TestReceiver()
        var configuration = Self.configuration(tls: try TestCertificate.makeServerContext())
        configuration.implicitTLS = true
        try await Self.withServer(configuration, receiver: receiver) { _, port in
            let client = try await SMTPTestClient.connect(port: port)
            try await client.startTLS()
            #expect(try await client.reply() == "220 mx.test ESMTP Facteur")
            try await client.send("EHLO c\r\n")
            #expect(!(try await client.readReply()).contains { $0.hasSuffix("STARTTLS") })
            try await client.send("STARTTLS\r\n")
            #expect(try await client.reply() == "503 5.5.1 TLS already active")
            try await client.send("MAIL FROM:<a@c.test>\r\nRCPT TO:<b@mx.test>\r\nDATA\r\n")
            _ = try await client.reply()
            _ = try await client.reply()
            _ = try await client.reply()
            try await client.send("Subject: x\r\n\r\nx\r\n.\r\n")
            #expect(try await client.reply() == "250 2.0.0 b@mx.test stored")
        }
        #expect(await receiver.deliveries.first?.session.tls != nil)
    }

    @Test func oversizedDataIsReadThenRefusedWith552() async throws {
        var configuration = Self.configuration()
        configuration.maxMessageSize = 1000
        let receiver = TestReceiver()
        try await Self.withServer(configuration, receiver: receiver) { _, port in
            let client = try await SMTPTestClient.connect(port: port)
            _ = try await client.reply()
            try await client.send("EHLO c\r\nMAIL FROM:<a@c.test> SIZE=2000\r\n")
            _ = try await client.readReply()
            #expect(try await client.reply() == "552 5.3.4 Message size exceeds fixed maximum message size")
            try await client.send("MAIL FROM:<a@c.test>\r\nRCPT TO:<b@mx.test>\r\nDATA\r\n")
            _ = try await client.reply()
            _ = try await client.reply()
            _ = try await client.reply()
            try await client.send(String(repeating: "0123456789abcdef\r\n", count: 500) + ".\r\nNOOP\r\n")
            #expect(try await client.reply() == "552 5.3.4 Message size exceeds fixed maximum message size")
            #expect(try await client.reply() == "250 2.0.0 Ok")
        }
        #expect(await receiver.deliveries.isEmpty)
    }

    @Test func cancellingRunStopsTheServer() async throws {
        let server = SMTPServer(configuration: Self.configuration(), receiver: TestReceiver(),
                                logger: Logger(label: "smtp-test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.localAddress().port ?? 0
            let client = try await SMTPTestClient.connect(port: port)
            _ = try await client.reply()
            group.cancelAll()
            try? await group.waitForAll()
            #expect(await client.isClosedByServer())
        }
    }
}
