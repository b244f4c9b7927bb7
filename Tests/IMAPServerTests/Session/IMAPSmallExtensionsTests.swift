// The smaller extensions end to end: OBJECTID, LIST-STATUS, SEARCHRES, SAVEDATE, PREVIEW,
// APPENDLIMIT and UNAUTHENTICATE.

import Foundation
import IMAPServer
import NetworkTestSupport
import Testing

private let note = "From: Carol <carol@example.net>\r\nSubject: Lunch\r\n\r\nSee you at noon by the river.\r\n"

@Suite("IMAP small extensions", .timeLimit(.minutes(1)))
struct IMAPSmallExtensionsTests {
    @Test("CAPABILITY announces them once logged in")
    func capabilities() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            let line = try await client.command("a", "CAPABILITY").untagged.first ?? ""
            for name in ["SEARCHRES", "LIST-STATUS", "STATUS=SIZE", "OBJECTID", "SAVEDATE", "PREVIEW",
                         "CREATE-SPECIAL-USE", "UNAUTHENTICATE", "APPENDLIMIT=52428800"] {
                #expect(line.contains(" \(name)"), "\(name)")
            }
        }
    }

    @Test("OBJECTID: CREATE, SELECT and STATUS tell the same MAILBOXID, and RENAME keeps it")
    func mailboxID() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            let create = try await client.command("a", "CREATE Projects")
            let id = try #require(create.tagged.firstMatch(of: /MAILBOXID \(([A-Za-z0-9_-]+)\)/)?.1).description
            #expect(try await client.command("b", "RENAME Projects Work").isOK)
            let select = try await client.command("c", "SELECT Work")
            #expect(select.untagged.contains("* OK [MAILBOXID (\(id))] Mailbox id"))
            let status = try await client.command("d", "STATUS Work (MAILBOXID SIZE)")
            #expect(status.untagged == ["* STATUS \"Work\" (MAILBOXID (\(id)) SIZE 0)"])
        }
    }

    @Test("LIST-STATUS: a STATUS line follows each selectable mailbox")
    func listStatus() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.deliver(note)
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            let list = try await client.command("a", "LIST \"\" \"INBOX\" RETURN (STATUS (MESSAGES UNSEEN))")
            #expect(list.untagged == ["* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
                                      "* STATUS \"INBOX\" (MESSAGES 1 UNSEEN 1)"])
        }
    }

    @Test("SEARCHRES: RETURN (SAVE) feeds `$`, and SELECT forgets it")
    func searchResult() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.deliver(note)
        try await fixture.deliver(note.replacingOccurrences(of: "Lunch", with: "Dinner"))
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            _ = try await client.command("a", "SELECT INBOX")
            let save = try await client.command("b", "UID SEARCH RETURN (SAVE) SUBJECT dinner")
            #expect(save.untagged.isEmpty)
            let fetch = try await client.command("c", "UID FETCH $ (FLAGS)")
            #expect(fetch.untagged == ["* 2 FETCH (UID 2 FLAGS ())"])
            _ = try await client.command("d", "SELECT INBOX")
            #expect(try await client.command("e", "UID FETCH $ (FLAGS)").untagged.isEmpty)
        }
    }

    @Test("SAVEDATE, PREVIEW and EMAILID come from what delivery stored")
    func savedPreviewEmailID() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.deliver(note)
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            _ = try await client.command("a", "SELECT INBOX")
            let fetch = try await client.command("b", "FETCH 1 (SAVEDATE PREVIEW EMAILID)")
            let line = fetch.untagged.first ?? ""
            #expect(line.contains("SAVEDATE \""))
            #expect(line.contains("See you at noon by the river."))
            #expect(line.contains("EMAILID (M"))
        }
    }

    @Test("UNAUTHENTICATE returns to the not-authenticated state; another user may log in")
    func unauthenticate() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            _ = try await client.command("a", "SELECT INBOX")
            #expect(try await client.command("b", "UNAUTHENTICATE").isOK)
            #expect(try await client.command("c", "SELECT INBOX").status == "BAD")
            #expect(try await client.command("d", "LOGIN \(IMAPFixture.bob) \(IMAPFixture.password)").isOK)
            #expect(try await client.command("e", "SELECT INBOX").isOK)
        }
    }
}
