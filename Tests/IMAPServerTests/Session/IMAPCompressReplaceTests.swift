// COMPRESS=DEFLATE (RFC 4978) and REPLACE (RFC 8508) end to end: the real server on 127.0.0.1,
// a real SQLite store, a client that switches on compression in its own pipeline.

import NIOCore
import NIOSSL
import NetworkTestSupport
import Testing
@testable import IMAPServer

@Suite struct IMAPCompressReplaceTests {
    static let note = "From: a@example.test\r\nSubject: note\r\n\r\n" + String(repeating: "the same words again ", count: 200) + "\r\n"

    /// Sends COMPRESS DEFLATE; after the plain OK, the client compresses too (the server's
    /// handler type works both ways), below the test client's reader and above TLS.
    static func compress(_ client: IMAPTestClient, tag: String = "z") async throws -> IMAPReply {
        let reply = try await client.command(tag, "COMPRESS DEFLATE")
        guard reply.isOK else { return reply }
        let channel = client.channel
        try await channel.eventLoop.submit {
            let handler = try IMAPCompressionHandler()
            if let tls = try? channel.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self) {
                try channel.pipeline.syncOperations.addHandler(handler, position: .after(tls))
            } else {
                try channel.pipeline.syncOperations.addHandler(handler, position: .first)
            }
        }.get()
        return reply
    }

    @Test("COMPRESS: the session goes on compressed, a second COMPRESS is refused")
    func compressedSession() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        for _ in 0..<3 { _ = try await fixture.deliver(Self.note) }
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            #expect(try await client.command("a", "CAPABILITY").untagged.first?.contains(" COMPRESS=DEFLATE") == true)
            #expect(try await Self.compress(client).tagged == "z OK DEFLATE active")
            let select = try await client.command("b", "SELECT INBOX")
            #expect(select.untagged.contains("* 3 EXISTS"), "\(select)")
            let fetch = try await client.command("c", "FETCH 1:3 (BODY.PEEK[TEXT])")
            #expect(fetch.isOK && fetch.untagged.count == 3)
            #expect(fetch.untagged.allSatisfy { $0.contains("the same words again the same") })
            // RFC 4978 §3: a second COMPRESS is refused and compression stays on.
            #expect(try await client.command("d", "COMPRESS DEFLATE").tagged == "d NO [COMPRESSIONACTIVE] DEFLATE is already active")
            #expect(try await client.command("e", "NOOP").isOK)
            await client.close()
        }
    }

    @Test("COMPRESS: refused before login and for an unknown mechanism, and nothing changes")
    func compressRefusals() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            let client = try await IMAPTestClient.connect(port: port)
            _ = try await client.line()
            #expect(try await client.command("a", "COMPRESS DEFLATE").status == "BAD")
            #expect(try await client.command("L", "LOGIN \(IMAPFixture.alice) \(IMAPFixture.password)").isOK)
            #expect(try await client.command("b", "COMPRESS LZ4").status == "BAD")
            #expect(try await client.command("c", "NOOP").isOK)   // still plain text
            await client.close()
        }
    }

    @Test("COMPRESS above implicit TLS")
    func compressOverTLS() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        _ = try await fixture.deliver(Self.note)
        let configuration = fixture.configuration(tls: try TestCertificate.makeServerContext(), implicitTLS: true)
        try await fixture.withServer(configuration) { _, port in
            let client = try await IMAPTestClient.connect(port: port, implicitTLS: true)
            try await client.logIn(IMAPFixture.alice, IMAPFixture.password)
            #expect(try await Self.compress(client).isOK)
            let examine = try await client.command("b", "EXAMINE INBOX")
            #expect(examine.untagged.contains("* 1 EXISTS"), "\(examine)")
            #expect(try await client.command("c", "UID FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])").untagged.first?.contains("Subject: note") == true)
            await client.close()
        }
    }

    @Test("REPLACE: APPENDUID in an untagged OK, then the old message is expunged")
    func replace() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        _ = try await fixture.deliver("Subject: draft 1\r\n\r\nfirst\r\n", mailbox: "Drafts")
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            #expect(try await client.command("a", "SELECT Drafts").isOK)
            let message = "Subject: draft 2\r\n\r\nsecond\r\n"
            try await client.send("b REPLACE 1 Drafts (\\Draft) {\(message.utf8.count)+}\r\n\(message)\r\n")
            let reply = try await client.reply("b")
            #expect(reply.tagged == "b OK REPLACE completed")
            #expect(reply.untagged.first?.hasPrefix("* OK [APPENDUID ") == true)
            #expect(reply.untagged.first?.hasSuffix(" 2] Replacement Message ready") == true)
            #expect(reply.untagged.contains("* 1 EXPUNGE"))
            #expect(reply.untagged.contains("* 1 EXISTS"))
            let fetch = try await client.command("c", "FETCH 1 (UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
            #expect(fetch.untagged.first?.contains("UID 2 FLAGS (\\Draft)") == true)
            #expect(fetch.untagged.first?.contains("draft 2") == true)

            // UID REPLACE of a UID that is not there: NO, nothing appended.
            try await client.send("d UID REPLACE 99 Drafts {\(message.utf8.count)+}\r\n\(message)\r\n")
            #expect(try await client.reply("d").status == "NO")
            #expect(try await client.command("e", "STATUS Drafts (MESSAGES)").untagged == ["* STATUS \"Drafts\" (MESSAGES 1)"])

            // A missing destination: TRYCREATE, and the old message stays.
            try await client.send("f UID REPLACE 2 Nowhere {\(message.utf8.count)+}\r\n\(message)\r\n")
            let missing = try await client.reply("f")
            #expect(missing.tagged.hasPrefix("f NO [TRYCREATE]"))
            #expect(!missing.untagged.contains { $0.contains("EXPUNGE") })
            #expect(try await client.command("g", "UID SEARCH ALL").untagged == ["* SEARCH 2"])
            await client.close()
        }
    }

    @Test("REPLACE: another session sees EXPUNGE and EXISTS; read-only and unselected are refused")
    func replaceSeenByOthers() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        _ = try await fixture.deliver("Subject: draft\r\n\r\nv1\r\n")
        try await fixture.withServer { _, port in
            let writer = try await fixture.client(port: port)
            let watcher = try await fixture.client(port: port)
            let message = "Subject: draft\r\n\r\nv2\r\n"
            try await writer.send("a REPLACE 1 INBOX {\(message.utf8.count)+}\r\n\(message)\r\n")
            #expect(try await writer.reply("a").status == "BAD")   // not selected
            #expect(try await watcher.command("w1", "SELECT INBOX").isOK)
            #expect(try await writer.command("b", "EXAMINE INBOX").isOK)
            try await writer.send("c REPLACE 1 INBOX {\(message.utf8.count)+}\r\n\(message)\r\n")
            #expect(try await writer.reply("c").tagged.hasPrefix("c NO [READ-ONLY]"))
            #expect(try await writer.command("d", "SELECT INBOX").isOK)
            try await writer.send("e UID REPLACE 1 INBOX {\(message.utf8.count)+}\r\n\(message)\r\n")
            #expect(try await writer.reply("e").isOK)
            let noop = try await watcher.command("w2", "NOOP")
            #expect(noop.untagged.contains("* 1 EXPUNGE"))
            #expect(noop.untagged.contains { $0.hasSuffix(" EXISTS") })
            #expect(try await watcher.command("w3", "UID SEARCH ALL").untagged == ["* SEARCH 2"])
            await writer.close()
            await watcher.close()
        }
    }
}
