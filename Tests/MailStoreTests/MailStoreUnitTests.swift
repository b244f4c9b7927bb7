// Unit tables for the store's small value types: mailbox names, flags, addresses.
import Foundation
import Testing
@testable import MailStore

@Suite struct MailboxNameTests {
    @Test(arguments: [
        ("INBOX", "INBOX"), ("inbox", "INBOX"), ("InBoX/Sub", "INBOX/Sub"), ("Sent", "Sent"),
        ("a/b/c", "a/b/c"), ("Inboxes", "Inboxes"), ("Überweisungen/2026", "Überweisungen/2026"),
    ])
    func validNamesAreNormalised(raw: String, expected: String) throws {
        #expect(try MailboxName(raw).value == expected)
    }

    @Test(arguments: ["", "/", "a/", "/a", "a//b", "bad\u{0}name", "line\nbreak", "del\u{7F}",
                      String(repeating: "x", count: 1025), Array(repeating: "a", count: 33).joined(separator: "/")])
    func invalidNamesAreRefused(raw: String) {
        #expect(throws: StoreError.self) { try MailboxName(raw) }
    }

    @Test func ancestorsAndDescendants() throws {
        let name = try MailboxName("a/b/c")
        #expect(name.ancestors == ["a", "a/b"])
        #expect(try MailboxName("a").isAncestor(of: "a/b"))
        #expect(try !MailboxName("a").isAncestor(of: "ab"))
        #expect(try !MailboxName("a").isAncestor(of: "a"))
    }
}

@Suite struct MessageFlagsTests {
    @Test(arguments: [
        (["\\seen", "\\ANSWERED"], ["\\Answered", "\\Seen"]),
        (["\\Recent", "\\Draft"], ["\\Draft"]),
        (["$Forwarded", "$forwarded", "Work"], ["$Forwarded", "Work"]),
        ([], []),
    ] as [([String], [String])])
    func parsingNormalises(input: [String], expected: [String]) throws {
        #expect(try MessageFlags(parsing: input).names == expected)
    }

    @Test(arguments: [["\\Unknown"], ["two words"], ["paren("], ["quote\""], [""],
                      [String(repeating: "k", count: 129)], (0..<65).map { "k\($0)" }])
    func invalidFlagsAreRefused(input: [String]) {
        #expect(throws: StoreError.self) { try MessageFlags(parsing: input) }
    }

    /// The shared arrays used for rows without keywords list what the general path lists.
    @Test func systemOnlyNamesAreTheSortedSetBits() {
        for bits in Int64(0)..<32 {
            let expected = MessageFlags.systemFlags.filter { bits & $0.bit != 0 }.map(\.name).sorted()
            #expect(MessageFlags(system: bits).names == expected, "bits \(bits)")
            #expect(MessageFlags(system: bits, keywords: ["zz", "$A"]).names == (expected + ["zz", "$A"]).sorted())
        }
        #expect(MessageFlags(system: 1 << 6).names == [])   // an unknown stored bit names nothing
    }

    @Test func storedFormRoundTrips() throws {
        let flags = try MessageFlags(parsing: ["\\Flagged", "$A", "b"])
        let stored = MessageFlags(storedSystem: flags.system, storedKeywords: flags.storedKeywords)
        #expect(stored == flags)
        #expect(!stored.isSeen)
    }
}

@Suite struct AddressKeyTests {
    @Test(arguments: [
        ("Alice@Example.TEST", "Alice@example.test", "alice@example.test"),
        ("\"odd@local\"@example.test", "\"odd@local\"@example.test", "\"odd@local\"@example.test"),
    ])
    func addressesNormalise(raw: String, address: String, key: String) throws {
        let parsed = try AddressKey(raw)
        #expect(parsed.address == address && parsed.key == key)
    }

    @Test(arguments: ["plain", "@example.test", "a@", "a b@example.test", "a@exa mple.test", "a@b..c",
                      String(repeating: "l", count: 65) + "@example.test"])
    func badAddressesAreRefused(raw: String) {
        #expect(throws: StoreError.self) { try AddressKey(raw) }
    }

    @Test func contentDigestIsLowerCaseHex() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        #expect(MessageContent(bytes: Array("abc".utf8)).sha256
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}

/// A content whose digest it computed itself is trusted without hashing again (issue 8); one given
/// a digest is checked; equality ignores where the digest came from.
@Suite struct MessageContentDigestTests {
    @Test func ownDigestIsTrustedGivenDigestIsChecked() {
        let bytes = Array("Subject: hi\r\n\r\nbody\r\n".utf8)
        let own = MessageContent(bytes: bytes)
        let given = MessageContent(bytes: bytes, sha256: own.sha256)
        #expect(own == given)
        #expect(own.hasValidDigest)
        #expect(given.hasValidDigest)
        #expect(!MessageContent(bytes: Array("forged".utf8), sha256: own.sha256).hasValidDigest)
        #expect(!MessageContent(bytes: bytes, sha256: String(own.sha256.dropLast())).hasValidDigest)
        #expect(own != MessageContent(bytes: Array("other".utf8)))
    }
}
