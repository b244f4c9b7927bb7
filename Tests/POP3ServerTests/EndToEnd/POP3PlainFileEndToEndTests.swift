// RETR by sendfile (issue 8): contents that need no stuffing, or whose dot lines were recorded,
// go out as FileRegions over plain POP3, with the very octets the streaming path sends;
// everything else is streamed as before.

import Foundation
import GRDB
import Logging
@testable import MailStore
import NetworkTestSupport
import NIOSSL
import Testing
@testable import POP3Server

@Suite(.timeLimit(.minutes(2)))
struct POP3PlainFileEndToEndTests {
    static let prefix = Array("Delivered-To: alice@example.test\r\n.starts with a dot\r\n".utf8)

    /// Dot-free base64-like lines, `count` octets ending with CRLF.
    static func plain(_ count: Int) -> [UInt8] {
        let line = Array("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count { bytes += line }
        bytes.removeLast(bytes.count - count)
        bytes[count - 2] = UInt8(ascii: "\r")
        bytes[count - 1] = UInt8(ascii: "\n")
        return bytes
    }

    /// Appends prefix + content to INBOX; returns the whole message as a client reads it.
    static func append(_ content: [UInt8], to fixture: POP3Fixture) async throws -> [UInt8] {
        let results = try await fixture.store.append([AppendRequest(accountID: fixture.account.id, prefix: prefix,
                                                                    content: MessageContent(bytes: content))])
        _ = try #require(results.first).get()
        return prefix + content
    }

    static func expectedWire(_ message: [UInt8]) -> [UInt8] {
        Array("+OK \(message.count) octets\r\n".utf8) + POP3EncodingTests.referenceStuff(message)
    }

    /// A server with counting metrics around `body`.
    static func withServer(_ fixture: POP3Fixture, _ configuration: POP3Server.Configuration,
                           _ body: (Int) async throws -> Void) async throws -> CountingMetricsFactory {
        let metrics = CountingMetricsFactory()
        var logger = Logger(label: "test.pop3")
        logger.logLevel = .critical
        let server = POP3Server(configuration: configuration, store: fixture.store,
                                authenticator: fixture.authenticator, logger: logger, metricsFactory: metrics)
        try await MailServerTestFixture.withServer(server) { _, port in try await body(port) }
        return metrics
    }

    static func sentFiles(_ metrics: CountingMetricsFactory) -> Int64 {
        metrics.total("facteur_pop3_sent_files_total", [("listener", "pop3")])
    }

    @Test func plainContentsGoOutAsFilesWithTheStreamedOctets() async throws {
        let fixture = try await POP3Fixture.make()
        defer { fixture.tearDown() }
        var dotted = Self.plain(400_000)
        dotted[200_000 - 1] = UInt8(ascii: "\n")
        dotted[200_000] = UInt8(ascii: ".")      // after an LF: stuffed between two file segments
        var unterminated = Self.plain(300_000)
        unterminated[299_999] = UInt8(ascii: "x")   // no final CRLF: streamed, CRLF added
        var messages: [[UInt8]] = []
        for content in [Self.plain(300_000), Self.plain(2_500_000), dotted, Self.plain(5000), unterminated,
                        Self.plain(300_000) + Array("X\r\n".utf8)] {
            messages.append(try await Self.append(content, to: fixture))
        }
        let metrics = try await Self.withServer(fixture, fixture.configuration()) { port in
            let client = try await fixture.login(port: port)
            for (index, message) in messages.enumerated() {
                try await client.send("RETR \(index + 1)\r\n")
                #expect(try await POP3StuffingEndToEndTests.response(client) == Self.expectedWire(message),
                        "message \(index + 1)")
            }
            // Again, out of order: the file is opened for this RETR alone.
            try await client.send("RETR 1\r\n")
            #expect(try await POP3StuffingEndToEndTests.response(client) == Self.expectedWire(messages[0]))
            #expect(try await client.command("QUIT").hasPrefix("+OK"))
        }
        #expect(Self.sentFiles(metrics) == 5)   // messages 1, 2, 3, 6 and 1 again
    }

    /// Contents whose lines start with "." (migration v13 records where) go out by file in
    /// segments with the extra dots between: the same octets as the streaming path, wherever the
    /// dots are (first octet, after a bare LF, a lone "." line, runs of dots, the last line).
    @Test(arguments: [
        (Array("Delivered-To: alice@example.test\r\n".utf8), [0, 77, 78, 150_000, 150_001, 299_997]),
        (Array("X-Prefix: no line end".utf8), [0, 90_000]),   // offset 0 does not start a line here
        ([UInt8](), [0, 156]),
    ])
    func dottedContentsGoOutAsFileSegments(prefix: [UInt8], dots: [Int]) async throws {
        let fixture = try await POP3Fixture.make()
        defer { fixture.tearDown() }
        var content = Self.plain(300_000)
        for dot in dots {
            content[dot] = UInt8(ascii: ".")
            if dot > 0 && content[dot - 1] != UInt8(ascii: "\n") && content[dot - 1] != UInt8(ascii: ".") {
                content[dot - 1] = UInt8(ascii: "\n")   // a bare LF ends the line before
            }
        }
        let results = try await fixture.store.append([AppendRequest(accountID: fixture.account.id, prefix: prefix,
                                                                    content: MessageContent(bytes: content))])
        _ = try #require(results.first).get()
        let message = prefix + content
        let metrics = try await Self.withServer(fixture, fixture.configuration()) { port in
            let client = try await fixture.login(port: port)
            try await client.send("RETR 1\r\n")
            #expect(try await POP3StuffingEndToEndTests.response(client) == Self.expectedWire(message))
            #expect(try await client.command("QUIT").hasPrefix("+OK"))
        }
        #expect(Self.sentFiles(metrics) == 1)
    }

    /// More dot lines than `DotLineOffsets.limit`: nothing recorded, streamed and stuffed.
    @Test func contentsWithManyDotLinesAreStreamed() async throws {
        let fixture = try await POP3Fixture.make()
        defer { fixture.tearDown() }
        var content = Self.plain(300_000)
        for line in 0...DotLineOffsets.limit { content[line * 78] = UInt8(ascii: ".") }
        let message = try await Self.append(content, to: fixture)
        let metrics = try await Self.withServer(fixture, fixture.configuration()) { port in
            let client = try await fixture.login(port: port)
            try await client.send("RETR 1\r\n")
            #expect(try await POP3StuffingEndToEndTests.response(client) == Self.expectedWire(message))
            #expect(try await client.command("QUIT").hasPrefix("+OK"))
        }
        #expect(Self.sentFiles(metrics) == 0)
    }

    /// Contents stored before migration v11 carry no flag: streamed and stuffed as before.
    @Test func contentsStoredBeforeTheMigrationAreStreamed() async throws {
        let fixture = try await POP3Fixture.make()
        defer { fixture.tearDown() }
        let message = try await Self.append(Self.plain(500_000), to: fixture)
        try await fixture.store.pool.write { db in try db.execute(sql: "UPDATE blobs SET pop3_plain = NULL") }
        let metrics = try await Self.withServer(fixture, fixture.configuration()) { port in
            let client = try await fixture.login(port: port)
            try await client.send("RETR 1\r\n")
            #expect(try await POP3StuffingEndToEndTests.response(client) == Self.expectedWire(message))
            #expect(try await client.command("QUIT").hasPrefix("+OK"))
        }
        #expect(Self.sentFiles(metrics) == 0)
    }

    /// RFC 1939 §5: numbers stay fixed for the session; a message an IMAP session expunged after
    /// the snapshot is reported, the others are still sent (by file).
    @Test func aMessageExpungedAfterLoginIsReported() async throws {
        let fixture = try await POP3Fixture.make()
        defer { fixture.tearDown() }
        _ = try await Self.append(Self.plain(300_000), to: fixture)
        let second = try await Self.append(Self.plain(400_000), to: fixture)
        let metrics = try await Self.withServer(fixture, fixture.configuration()) { port in
            let client = try await fixture.login(port: port)
            let uids = try await fixture.inboxUIDs()
            _ = try await fixture.store.expunge(mailboxID: fixture.inbox.id, uids: [uids[0]])
            #expect(try await client.command("RETR 1") == "-ERR message was removed by another session")
            try await client.send("RETR 2\r\n")
            #expect(try await POP3StuffingEndToEndTests.response(client) == Self.expectedWire(second))
            #expect(try await client.command("QUIT").hasPrefix("+OK"))
        }
        #expect(Self.sentFiles(metrics) == 1)
    }

    /// Over TLS the TLS handler takes bytes only: the same plain content is streamed.
    @Test func plainContentsAreStreamedOverTLS() async throws {
        let fixture = try await POP3Fixture.make()
        defer { fixture.tearDown() }
        let message = try await Self.append(Self.plain(1_500_000), to: fixture)
        let tls = try TestCertificate.makeServerContext()
        let metrics = try await Self.withServer(fixture, fixture.configuration(tls: tls)) { port in
            let client = try await POP3TestClient.connect(port: port)
            _ = try await client.line()
            #expect(try await client.command("STLS") == "+OK Begin TLS negotiation")
            try await client.startTLS()
            _ = try await client.command("USER \(POP3Fixture.address)")
            #expect(try await client.command("PASS \(POP3Fixture.password)").hasPrefix("+OK"))
            try await client.send("RETR 1\r\n")
            #expect(try await POP3StuffingEndToEndTests.response(client) == Self.expectedWire(message))
            #expect(try await client.command("QUIT").hasPrefix("+OK"))
        }
        #expect(Self.sentFiles(metrics) == 0)
    }
}
