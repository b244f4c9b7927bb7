// The script commands (RFC 5804 §2.5-§2.12) against a real SQLiteMailStore, as C:/S: exchanges.

import MailStore
import Testing
@testable import ManageSieveServer

@Suite(.timeLimit(.minutes(2)))
struct ManageSieveScriptTests {
    static let script = "require [\"fileinto\"];\r\nif header :contains \"subject\" \"sale\" {\r\n  fileinto \"Junk\";\r\n}\r\n"

    static func literal(_ text: String) -> String { "{\(text.utf8.count)+}\r\n\(text)" }

    @Test func scriptLifecycle() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer(fixture.configuration()) { _, port in
            let client = try await fixture.login(port: port)
            #expect(try await client.command("HAVESPACE \"filters\" \(Self.script.utf8.count)").final == "OK \"putscript would succeed\"")
            #expect(try await client.command("PUTSCRIPT \"filters\" \(Self.literal(Self.script))").final == "OK \"script stored\"")
            #expect(try await client.command("PUTSCRIPT \"vacation\" \"keep;\"").final == "OK \"script stored\"")
            #expect(try await fixture.store.sieveScript(accountID: fixture.account.id, name: "filters") == Self.script)

            var list = try await client.command("LISTSCRIPTS")
            #expect(list.lines == ["\"filters\"", "\"vacation\""])
            #expect(list.final == "OK \"Listscripts completed\"")

            #expect(try await client.command("SETACTIVE \"filters\"").final == "OK \"script activated\"")
            list = try await client.command("listscripts")
            #expect(list.lines == ["\"filters\" ACTIVE", "\"vacation\""])
            #expect(try await fixture.store.activeSieveScript(accountID: fixture.account.id)?.name == "filters")

            let get = try await client.command("GETSCRIPT \"filters\"")
            #expect(get.lines == ["{\(Self.script.utf8.count)}\r\n\(Self.script)"])
            #expect(get.final == "OK \"Getscript completed\"")

            #expect(try await client.command("DELETESCRIPT \"filters\"").final
                    == "NO (ACTIVE) \"the active script cannot be deleted; deactivate it first\"")
            // Renaming the active script keeps it active (RFC 5804 §2.11).
            #expect(try await client.command("RENAMESCRIPT \"filters\" \"main\"").final == "OK \"script renamed\"")
            #expect(try await client.command("LISTSCRIPTS").lines == ["\"main\" ACTIVE", "\"vacation\""])
            #expect(try await client.command("RENAMESCRIPT \"main\" \"vacation\"").final
                    == "NO (ALREADYEXISTS) \"a script by that name already exists\"")
            #expect(try await client.command("RENAMESCRIPT \"nope\" \"other\"").final
                    == "NO (NONEXISTENT) \"there is no script by that name\"")
            #expect(try await client.command("GETSCRIPT \"nope\"").final == "NO (NONEXISTENT) \"there is no script by that name\"")
            #expect(try await client.command("SETACTIVE \"nope\"").final == "NO (NONEXISTENT) \"there is no script by that name\"")
            #expect(try await client.command("DELETESCRIPT \"nope\"").final == "NO (NONEXISTENT) \"there is no script by that name\"")

            // Replacing the active script keeps it active.
            #expect(try await client.command("PUTSCRIPT \"main\" \"discard;\"").final == "OK \"script stored\"")
            #expect(try await fixture.store.activeSieveScript(accountID: fixture.account.id)
                    == ActiveSieveScript(name: "main", content: "discard;"))

            // RFC 5804 §2.8: the empty name deactivates, and again is not an error.
            #expect(try await client.command("SETACTIVE \"\"").final == "OK \"no script active\"")
            #expect(try await client.command("SETACTIVE \"\"").final == "OK \"no script active\"")
            #expect(try await fixture.store.activeSieveScript(accountID: fixture.account.id) == nil)
            #expect(try await client.command("DELETESCRIPT \"main\"").final == "OK \"script deleted\"")
            #expect(try await client.command("LISTSCRIPTS").lines == ["\"vacation\""])
        }
    }

    @Test func invalidScriptsAreRefusedWithLineAndColumn() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer(fixture.configuration()) { _, port in
            let client = try await fixture.login(port: port)
            let bad = "#comment\r\nInvalidSieveCommand;\r\n"
            let put = try await client.command("PUTSCRIPT \"foo\" \(Self.literal(bad))")
            #expect(put.status == "NO")
            #expect(put.final.contains("2:1: "))
            // "Any script that fails the validity test MUST NOT be stored on the server."
            #expect(try await fixture.store.sieveScripts(accountID: fixture.account.id).isEmpty)

            let check = try await client.command("CHECKSCRIPT \(Self.literal(bad))")
            #expect(check.status == "NO" && check.final.contains("2:1: "))
            let unknown = try await client.command("CHECKSCRIPT \"require \\\"enotify\\\";\"")
            #expect(unknown.status == "NO" && unknown.final.contains("1:"))
            #expect(try await client.command("CHECKSCRIPT \(Self.literal(Self.script))").final == "OK \"script is valid\"")
            #expect(try await client.command("PUTSCRIPT \"empty\" \"\"").final == "NO \"empty script\"")
            #expect(try await client.command("PUTSCRIPT \"bad\u{7F}name\" \"keep;\"").final
                    == "NO \"invalid script name (RFC 5804 section 1.6)\"")
            // Bytes that are not UTF-8 (an ISO-8859-1 é).
            try await client.connection.send(Array("CHECKSCRIPT {1+}\r\n".utf8) + [0xE9] + Array("\r\n".utf8))
            #expect(try await client.response().final == "NO \"script is not valid UTF-8\"")
            // Multiple errors come as a literal of CRLF-separated lines.
            let twoErrors = try await client.command("CHECKSCRIPT \(Self.literal("frob;\r\nnarf;\r\n"))")
            #expect(twoErrors.final.hasPrefix("NO {"))
            #expect(twoErrors.final.contains("1:1: ") && twoErrors.final.contains("\r\n2:1: "))
        }
    }

    @Test func quotasAreEnforced() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer(fixture.configuration(maxScripts: 2, maxScriptSize: 2048)) { _, port in
            let client = try await fixture.login(port: port)
            #expect(try await client.command("HAVESPACE \"a\" 999999").final == "NO (QUOTA/MAXSIZE) \"script larger than 2048 octets\"")
            #expect(try await client.command("PUTSCRIPT \"a\" \"keep;\"").status == "OK")
            #expect(try await client.command("PUTSCRIPT \"b\" \"keep;\"").status == "OK")
            #expect(try await client.command("HAVESPACE \"c\" 10").final == "NO (QUOTA/MAXSCRIPTS) \"at most 2 scripts per account\"")
            #expect(try await client.command("HAVESPACE \"a\" 10").status == "OK")   // a replacement
            // The listener's limit (below the store's 100) holds for PUTSCRIPT as for HAVESPACE.
            #expect(try await client.command("PUTSCRIPT \"c\" \"keep;\"").final
                    == "NO (QUOTA/MAXSCRIPTS) \"at most 2 scripts per account\"")
            #expect(try await client.command("PUTSCRIPT \"a\" \"discard;\"").final == "OK \"script stored\"")
            #expect(try await fixture.store.sieveScripts(accountID: fixture.account.id).map(\.name) == ["a", "b"])
            // A literal over the limit is skipped unread; the session goes on.
            let huge = "# " + String(repeating: "x", count: 3000) + "\r\nkeep;\r\n"
            #expect(try await client.command("PUTSCRIPT \"d\" \(Self.literal(huge))").final
                    == "NO (QUOTA/MAXSIZE) \"string larger than 2048 octets\"")
            #expect(try await client.command("NOOP").status == "OK")
        }
    }

    @Test func anonymousClientsCannotSendLargeLiterals() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer(fixture.configuration()) { _, port in
            let client = try await ManageSieveTestClient.connect(port: port)
            _ = try await client.response()
            let big = String(repeating: "x", count: 10_000)
            #expect(try await client.command("NOOP \(Self.literal(big))").final
                    == "NO \"string larger than 8192 octets before authentication\"")
            let plain = ManageSieveFixture.plain()
            #expect(try await client.command("AUTHENTICATE \"PLAIN\" \(Self.literal(plain))").status == "OK")
            // Authenticated: the script limit applies, so the same size is fine.
            let script = "# " + big + "\r\nkeep;\r\n"
            #expect(try await client.command("PUTSCRIPT \"big\" \(Self.literal(script))").final == "OK \"script stored\"")
            #expect(try await client.command("UNAUTHENTICATE").status == "OK")
            #expect(try await client.command("NOOP \(Self.literal(big))").status == "NO")
        }
    }

    @Test func accountsSeeOnlyTheirOwnScripts() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        try await fixture.store.putSieveScript(accountID: fixture.other.id, name: "bobs", content: "keep;")
        try await fixture.withServer(fixture.configuration()) { _, port in
            let client = try await fixture.login(port: port)
            #expect(try await client.command("LISTSCRIPTS").lines.isEmpty)
            #expect(try await client.command("GETSCRIPT \"bobs\"").status == "NO")
            #expect(try await client.command("DELETESCRIPT \"bobs\"").status == "NO")
            #expect(try await client.command("PUTSCRIPT \"bobs\" \"discard;\"").status == "OK")
            #expect(try await fixture.store.sieveScript(accountID: fixture.other.id, name: "bobs") == "keep;")
        }
    }

    @Test func pipelinedCommandsAreAnsweredInOrder() async throws {
        let fixture = try await ManageSieveFixture.make()
        defer { fixture.tearDown() }
        try await fixture.withServer(fixture.configuration()) { _, port in
            let client = try await fixture.login(port: port)
            try await client.send("PUTSCRIPT \"one\" {5+}\r\nkeep;\r\nSETACTIVE \"one\"\r\nLISTSCRIPTS\r\nNOOP \"x\"\r\n")
            #expect(try await client.response().final == "OK \"script stored\"")
            #expect(try await client.response().final == "OK \"script activated\"")
            #expect(try await client.response().lines == ["\"one\" ACTIVE"])
            #expect(try await client.response().final == "OK (TAG \"x\") \"Done\"")
        }
    }
}
