// Encoding of responses, response codes, strings and capabilities (RFC 5804 §4).

import NIOCore
import Testing
@testable import ManageSieveServer

struct ManageSieveResponseTests {
    static func encoded(_ response: ManageSieveResponse) -> String {
        var buffer = ByteBuffer()
        response.encode(into: &buffer)
        return String(buffer: buffer)
    }

    static let fixtures: [(ManageSieveResponse, String)] = [
        (.ok(), "OK\r\n"),
        (.ok("NOOP completed"), "OK \"NOOP completed\"\r\n"),
        (.no("There is no script by that name", code: .nonexistent), "NO (NONEXISTENT) \"There is no script by that name\"\r\n"),
        (.no("x", code: .quotaMaxSize), "NO (QUOTA/MAXSIZE) \"x\"\r\n"),
        (.no("x", code: .quotaMaxScripts), "NO (QUOTA/MAXSCRIPTS) \"x\"\r\n"),
        (.no("x", code: .active), "NO (ACTIVE) \"x\"\r\n"),
        (.no("x", code: .alreadyExists), "NO (ALREADYEXISTS) \"x\"\r\n"),
        (.no("x", code: .encryptNeeded), "NO (ENCRYPT-NEEDED) \"x\"\r\n"),
        (.bye("x", code: .tryLater), "BYE (TRYLATER) \"x\"\r\n"),
        (.ok("w", code: .warnings), "OK (WARNINGS) \"w\"\r\n"),
        (.ok("Done", code: .tag(Array("STARTTLS-SYNC-42".utf8))), "OK (TAG \"STARTTLS-SYNC-42\") \"Done\"\r\n"),
        (.ok("Done", code: .tag(Array("a\r\nb".utf8))), "OK (TAG {4}\r\na\r\nb) \"Done\"\r\n"),
        (.no("say \"hi\" \\ bye"), "NO \"say \\\"hi\\\" \\\\ bye\"\r\n"),
        // Compiler errors, one per line: a literal.
        (.no("1:1: a\r\n2:3: b"), "NO {14}\r\n1:1: a\r\n2:3: b\r\n"),
    ]

    @Test(arguments: fixtures)
    func encodes(_ response: ManageSieveResponse, _ expected: String) {
        #expect(Self.encoded(response) == expected)
    }

    @Test func longTextBecomesALiteral() {
        let text = String(repeating: "y", count: 1025)
        #expect(Self.encoded(.no(text)) == "NO {1025}\r\n\(text)\r\n")
    }

    @Test func capabilitiesBeforeAndAfterLogin() {
        var capabilities = ManageSieveCapabilities(
            implementation: "Facteur ManageSieve", saslMechanisms: [], sieveExtensions: "fileinto vacation",
            startTLS: true, maxRedirects: 4, owner: nil)
        var buffer = ByteBuffer()
        capabilities.encode(into: &buffer)
        #expect(String(buffer: buffer) == """
            "IMPLEMENTATION" "Facteur ManageSieve"\r
            "SASL" ""\r
            "SIEVE" "fileinto vacation"\r
            "STARTTLS"\r
            "MAXREDIRECTS" "4"\r
            "UNAUTHENTICATE"\r
            "VERSION" "1.0"\r

            """)
        capabilities.startTLS = false
        capabilities.saslMechanisms = ["PLAIN"]
        capabilities.owner = "alice@example.test"
        let names = capabilities.lines.map(\.0)
        #expect(names == ["IMPLEMENTATION", "SASL", "SIEVE", "MAXREDIRECTS", "OWNER", "UNAUTHENTICATE", "VERSION"])
        #expect(capabilities.lines.first { $0.0 == "SASL" }?.1 == "PLAIN")
    }

    @Test(arguments: [("a", true), ("", false), ("tab\there", false), ("del\u{7F}", false), ("c1\u{85}", false),
                      ("ls\u{2028}", false), ("ps\u{2029}", false), ("été 2026", true),
                      (String(repeating: "é", count: 256), true), (String(repeating: "é", count: 257), false)])
    func scriptNames(_ name: String, _ valid: Bool) {
        #expect(ManageSieveScriptName.isValid(name) == valid)
    }
}
