// The IMAP server end to end: a real store, a real listener on loopback, a client on a socket.

import Foundation
import IMAPServer
import MailStore
import NetworkTestSupport
import Testing

private let sample = """
    From: Carol <carol@example.net>\r
    To: alice@example.test\r
    Subject: Quarterly report\r
    Date: Mon, 30 Nov 2026 10:00:00 +0000\r
    Message-ID: <q1@example.net>\r
    \r
    The numbers are in.\r

    """

@Suite("IMAP session end to end", .timeLimit(.minutes(1)))
struct IMAPSessionEndToEndTests {
    @Test("greeting, CAPABILITY, LOGIN, LOGOUT")
    func loginLogout() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            let client = try await IMAPTestClient.connect(port: port)
            let greeting = try await client.line()
            #expect(greeting.hasPrefix("* OK [CAPABILITY IMAP4rev1 IMAP4rev2"))
            let capability = try await client.command("a", "CAPABILITY")
            #expect(capability.isOK)
            #expect(capability.untagged.first?.contains("AUTH=PLAIN") == true)
            #expect(capability.untagged.first?.contains("IDLE") == true)
            let login = try await client.command("b", "LOGIN \(IMAPFixture.alice) \(IMAPFixture.password)")
            #expect(login.isOK)
            let logout = try await client.command("c", "LOGOUT")
            #expect(logout.isOK)
            #expect(logout.untagged.first?.hasPrefix("* BYE") == true)
            #expect(await client.isClosedByServer())
        }
    }

    @Test("a wrong password gets NO [AUTHENTICATIONFAILED]; commands before login get BAD")
    func badLogin() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            let client = try await IMAPTestClient.connect(port: port)
            _ = try await client.line()
            let select = try await client.command("a", "SELECT INBOX")
            #expect(select.status == "BAD")
            let login = try await client.command("b", "LOGIN \(IMAPFixture.alice) wrong")
            #expect(login.tagged.hasPrefix("b NO [AUTHENTICATIONFAILED]"))
            let plain = Data("\u{0}\(IMAPFixture.alice)\u{0}\(IMAPFixture.password)".utf8).base64EncodedString()
            let authenticate = try await client.command("c", "AUTHENTICATE PLAIN \(plain)")
            #expect(authenticate.isOK)
        }
    }

    @Test("SELECT reports the mailbox; FETCH answers from metadata and from the bytes")
    func selectAndFetch() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.deliver(sample)
        try await fixture.deliver(sample.replacingOccurrences(of: "q1@", with: "q2@"), flags: ["\\Seen"])
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            let select = try await client.command("a", "SELECT INBOX")
            #expect(select.tagged.hasPrefix("a OK [READ-WRITE]"))
            #expect(select.untagged.contains("* 2 EXISTS"))
            #expect(select.untagged.contains { $0.hasPrefix("* OK [UIDVALIDITY ") })
            #expect(select.untagged.contains("* OK [UIDNEXT 3] Predicted next UID"))
            #expect(select.untagged.contains("* OK [UNSEEN 1] First unseen"))

            let envelope = try await client.command("b", "FETCH 1:2 (FLAGS ENVELOPE)")
            #expect(envelope.isOK)
            #expect(envelope.untagged.count == 2)
            #expect(envelope.untagged[0].contains("\"Quarterly report\""))
            #expect(envelope.untagged[1].contains("FLAGS (\\Seen)"))

            let body = try await client.command("c", "UID FETCH 1 (BODY[])")
            #expect(body.isOK)
            #expect(body.untagged.first?.contains("Return-Path: <sender@example.net>") == true)
            #expect(body.untagged.first?.contains("The numbers are in.") == true)
            // BODY[] without PEEK sets \Seen and says so.
            #expect(body.untagged.first?.contains("\\Seen") == true)
            let flags = try await client.command("d", "FETCH 1 FLAGS")
            #expect(flags.untagged == ["* 1 FETCH (FLAGS (\\Seen))"])
        }
    }

    @Test("STORE, SEARCH, EXPUNGE")
    func storeSearchExpunge() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        for index in 1...5 { try await fixture.deliver(sample.replacingOccurrences(of: "q1@", with: "m\(index)@")) }
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            _ = try await client.command("a", "SELECT INBOX")
            let store = try await client.command("b", "STORE 2:3 +FLAGS (\\Deleted $Important)")
            #expect(store.isOK)
            #expect(store.untagged.count == 2)
            #expect(store.untagged[0].contains("\\Deleted"))
            let search = try await client.command("c", "SEARCH DELETED")
            #expect(search.untagged == ["* SEARCH 2 3"])
            let keyword = try await client.command("d", "UID SEARCH KEYWORD $important")
            #expect(keyword.untagged == ["* SEARCH 2 3"])
            let subject = try await client.command("e", "SEARCH SUBJECT quarterly NOT DELETED")
            #expect(subject.untagged == ["* SEARCH 1 4 5"])
            let expunge = try await client.command("f", "EXPUNGE")
            #expect(expunge.untagged == ["* 3 EXPUNGE", "* 2 EXPUNGE"])
            let all = try await client.command("g", "UID SEARCH ALL")
            #expect(all.untagged == ["* SEARCH 1 4 5"])
        }
    }

    @Test("APPEND with a literal answers APPENDUID; a missing mailbox gets TRYCREATE before the upload")
    func append() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            let message = "Subject: appended\r\n\r\nhello\r\n"
            try await client.send("a APPEND Drafts (\\Draft) {\(message.utf8.count)}\r\n")
            #expect(try await client.line().hasPrefix("+ "))
            try await client.send(message + "\r\n")
            let reply = try await client.reply("a")
            #expect(reply.tagged.hasPrefix("a OK [APPENDUID "))
            #expect(reply.tagged.contains(" 1] "))

            try await client.send("b APPEND Nowhere {5}\r\n")
            #expect(try await client.line().hasPrefix("b NO [TRYCREATE]"))

            _ = try await client.command("c", "SELECT Drafts")
            let fetch = try await client.command("d", "FETCH 1 (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
            #expect(fetch.untagged.first?.contains("\\Draft") == true)
            #expect(fetch.untagged.first?.contains("Subject: appended") == true)
        }
    }

    // RFC 9051 §6.3.12: the session's own APPEND (or COPY) into the selected mailbox is announced
    // before its tagged OK, every time, not only when the change hub happens to have caught up.
    @Test("APPEND and COPY into the selected mailbox send EXISTS before the tagged OK")
    func appendToSelectedMailboxAnnouncesExists() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.deliver(sample)
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            _ = try await client.command("s", "SELECT INBOX")
            let message = "Subject: mine\r\n\r\nhello\r\n"
            for round in 1...10 {
                try await client.send("a\(round) APPEND INBOX {\(message.utf8.count)+}\r\n\(message)\r\n")
                let reply = try await client.reply("a\(round)")
                #expect(reply.tagged.hasPrefix("a\(round) OK [APPENDUID "))
                #expect(reply.untagged.contains("* \(round + 1) EXISTS"), "round \(round): \(reply.untagged)")
            }
            let copy = try await client.command("c", "COPY 1 INBOX")
            #expect(copy.untagged.contains("* 12 EXISTS"), "\(copy.untagged)")
        }
    }

    @Test("COPY and MOVE answer COPYUID; MOVE expunges from the source")
    func copyAndMove() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        for _ in 1...3 { try await fixture.deliver(sample) }
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            _ = try await client.command("a", "SELECT INBOX")
            let copy = try await client.command("b", "COPY 1:2 Archive")
            #expect(copy.tagged.hasPrefix("b OK [COPYUID "))
            #expect(copy.tagged.contains(" 1:2 1:2]"))
            let move = try await client.command("c", "UID MOVE 3 Trash")
            #expect(move.isOK)
            #expect(move.untagged.contains { $0.hasPrefix("* OK [COPYUID ") })
            #expect(move.untagged.contains("* 3 EXPUNGE"))
            let status = try await client.command("d", "STATUS Archive (MESSAGES UIDNEXT)")
            #expect(status.untagged == ["* STATUS \"Archive\" (MESSAGES 2 UIDNEXT 3)"])
            let missing = try await client.command("e", "COPY 1 Nowhere")
            #expect(missing.tagged.hasPrefix("e NO [TRYCREATE]"))
        }
    }

    // IDLE is push only (no polling fallback), so any bound proves the push; 5 s rather than 1 s
    // because a loaded 2-core CI machine running every suite at once delays a wake-up past 1 s.
    @Test("IDLE sees a delivery and another session's flag change promptly")
    func idle() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.deliver(sample)
        try await fixture.withServer { _, port in
            let idler = try await fixture.client(port: port)
            let other = try await fixture.client(port: port)
            _ = try await idler.command("a", "SELECT INBOX")
            try await idler.send("b IDLE\r\n")
            #expect(try await idler.line().hasPrefix("+ "))

            try await fixture.deliver(sample)
            var clock = ContinuousClock.now
            let exists = try await idler.line()
            #expect(exists == "* 2 EXISTS")
            #expect(ContinuousClock.now - clock < .seconds(5))

            _ = try await other.command("c", "SELECT INBOX")
            _ = try await other.command("d", "STORE 1 +FLAGS.SILENT (\\Flagged)")
            clock = ContinuousClock.now
            let fetch = try await idler.line()
            #expect(fetch == "* 1 FETCH (UID 1 FLAGS (\\Flagged))")
            #expect(ContinuousClock.now - clock < .seconds(5))

            try await idler.send("DONE\r\n")
            let done = try await idler.reply("b")
            #expect(done.isOK)
        }
    }

    @Test("another session's expunge is held back during FETCH and reported on NOOP")
    func expungeTiming() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        for _ in 1...3 { try await fixture.deliver(sample) }
        try await fixture.withServer { _, port in
            let reader = try await fixture.client(port: port)
            let writer = try await fixture.client(port: port)
            _ = try await reader.command("a", "SELECT INBOX")
            _ = try await writer.command("b", "SELECT INBOX")
            _ = try await writer.command("c", "STORE 2 +FLAGS.SILENT (\\Deleted)")
            _ = try await writer.command("d", "EXPUNGE")
            try await Task.sleep(for: .milliseconds(100))
            let fetch = try await reader.command("e", "FETCH 1:3 UID")
            #expect(!fetch.untagged.contains { $0.hasSuffix("EXPUNGE") })
            #expect(fetch.untagged.contains("* 3 FETCH (UID 3)"))
            let noop = try await reader.command("f", "NOOP")
            #expect(noop.untagged.contains("* 2 EXPUNGE"))
            let after = try await reader.command("g", "FETCH 1:* UID")
            #expect(after.untagged == ["* 1 FETCH (UID 1)", "* 2 FETCH (UID 3)"])
        }
    }

    @Test("LIST and mailbox management")
    func mailboxes() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            #expect(try await client.command("a", "CREATE Projects/2026/Q4").isOK)
            let list = try await client.command("b", "LIST \"\" \"*\"")
            #expect(list.untagged.contains("* LIST (\\HasNoChildren) \"/\" \"INBOX\""))
            #expect(list.untagged.contains("* LIST (\\Sent \\HasNoChildren) \"/\" \"Sent\""))
            #expect(list.untagged.contains("* LIST (\\HasChildren) \"/\" \"Projects\""))
            #expect(list.untagged.contains("* LIST (\\HasNoChildren) \"/\" \"Projects/2026/Q4\""))
            let percent = try await client.command("c", "LIST \"\" %")
            #expect(!percent.untagged.contains { $0.contains("Projects/2026") })
            #expect(try await client.command("d", "RENAME Projects Work").isOK)
            let renamed = try await client.command("e", "LIST \"\" Work/*")
            #expect(renamed.untagged.contains("* LIST (\\HasNoChildren) \"/\" \"Work/2026/Q4\""))
            #expect(try await client.command("f", "DELETE Work/2026/Q4").isOK)
            let exists = try await client.command("g", "CREATE Sent")
            #expect(exists.tagged.hasPrefix("g NO [ALREADYEXISTS]"))
            let utf7 = try await client.command("h", "CREATE \"Caf&AOk-\"")
            #expect(utf7.isOK)
            let named = try await client.command("i", "LIST \"\" Caf*")
            #expect(named.untagged == ["* LIST (\\HasNoChildren) \"/\" \"Caf&AOk-\""])
        }
    }

    @Test("no mailbox name reaches another account")
    func isolation() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.deliver(sample, to: fixture.bob)
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            for (index, name) in ["\(IMAPFixture.bob)/INBOX", "../bob/INBOX", "\"~bob/INBOX\"", "#shared/INBOX"].enumerated() {
                let reply = try await client.command("s\(index)", "SELECT \(name)")
                #expect(reply.status == "NO" || reply.status == "BAD", "SELECT \(name)")
            }
            _ = try await client.command("a", "SELECT INBOX")
            let fetch = try await client.command("b", "UID FETCH 1:* FLAGS")
            #expect(fetch.untagged.isEmpty)
        }
    }

    @Test("bad input gets BAD and the session goes on")
    func badInput() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.deliver(sample)
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            _ = try await client.command("a", "SELECT INBOX")
            #expect(try await client.command("b", "FETCH 1:4294967295 FLAGS").status == "BAD")
            #expect(try await client.command("c", "FETCH 1 (FLAGS").status == "BAD")
            #expect(try await client.command("d", "FETCH 1 BODY[1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24.25.26.27.28.29.30.31.32.33.34]").status == "BAD")
            try await client.send("e LOGIN {999999999}\r\n")
            let refused = try await client.line()
            #expect(refused.hasPrefix("e BAD") || refused.hasPrefix("e NO"))
            #expect(try await client.command("f", "NOOP").isOK)
        }
    }

    @Test("STARTTLS, then LOGIN over TLS; LOGINDISABLED without TLS off loopback")
    func startTLS() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        let tls = try TestCertificate.makeServerContext()
        let configuration = fixture.configuration(tls: tls, allowPlaintextAuth: { _, tls in tls })
        try await fixture.withServer(configuration) { _, port in
            let client = try await IMAPTestClient.connect(port: port)
            let greeting = try await client.line()
            #expect(greeting.contains("STARTTLS"))
            #expect(greeting.contains("LOGINDISABLED"))
            let refused = try await client.command("a", "LOGIN \(IMAPFixture.alice) \(IMAPFixture.password)")
            #expect(refused.tagged.hasPrefix("a NO [PRIVACYREQUIRED]"))
            #expect(try await client.command("b", "STARTTLS").isOK)
            try await client.startTLS()
            let capability = try await client.command("c", "CAPABILITY")
            #expect(capability.untagged.first?.contains("AUTH=PLAIN") == true)
            #expect(capability.untagged.first?.contains("STARTTLS") == false)
            #expect(try await client.command("d", "LOGIN \(IMAPFixture.alice) \(IMAPFixture.password)").isOK)
        }
    }

    @Test("imaps: TLS from the first byte")
    func implicitTLS() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        let configuration = fixture.configuration(tls: try TestCertificate.makeServerContext(), implicitTLS: true)
        try await fixture.withServer(configuration) { _, port in
            let client = try await IMAPTestClient.connect(port: port, implicitTLS: true)
            try await client.logIn(IMAPFixture.alice, IMAPFixture.password)
            #expect(try await client.command("a", "NOOP").isOK)
        }
    }

    @Test("shutdown says BYE to a waiting session")
    func shutdown() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer { server, port in
            let client = try await fixture.client(port: port)
            server.shutdown()
            let bye = try await client.line()
            #expect(bye.hasPrefix("* BYE [UNAVAILABLE]"))
        }
    }
}
