// SASLprep (RFC 4013): the RFC's own examples, each step of the profile, and what it means for
// logging in: the NFKC-equal form of a password logs in, a prohibited one fails like a wrong one,
// and passwords hashed before SASLprep keep working.

import Foundation
import MailStore
import Testing
@testable import Auth

/// A string of one scalar Swift refuses in a literal (non-characters).
private func scalar(_ value: UInt32) -> String {
    Unicode.Scalar(value).map { String(Character($0)) } ?? ""
}

@Suite struct SASLprepTests {
    // RFC 4013 §3 Examples.
    @Test(arguments: [
        ("I\u{00AD}X", "IX"),        // 1. SOFT HYPHEN mapped to nothing
        ("user", "user"),            // 2. no transformation
        ("USER", "USER"),            // 3. case preserved, will not match #2
        ("\u{00AA}", "a"),           // 4. output is NFKC, input in ISO 8859-1
        ("\u{2168}", "IX"),          // 5. output is NFKC, will match #1
    ])
    func rfc4013Examples(input: String, expected: String) {
        #expect(SASLprep.prepare(input) == expected)
    }

    @Test(arguments: [
        "\u{0007}",                  // 6. Error - prohibited character
        "\u{0627}\u{0031}",          // 7. Error - bidirectional check
    ])
    func rfc4013ExamplesThatFail(input: String) {
        #expect(SASLprep.prepare(input) == nil)
    }

    @Test(arguments: [
        ("a\u{00A0}b", "a b"),                  // C.1.2 non-ASCII space to SPACE
        ("a\u{3000}b", "a b"),                  // IDEOGRAPHIC SPACE
        ("pa\u{200B}ss", "pass"),               // ZERO WIDTH SPACE (B.1) to nothing
        ("\u{FF11}\u{FF12}\u{FF13}", "123"),    // full-width digits, NFKC
        ("cafe\u{0301}", "caf\u{00E9}"),        // combining accent composed
        ("\u{05D0}\u{05D1}", "\u{05D0}\u{05D1}"),  // right-to-left only: allowed
        ("\u{0627}1\u{0628}", "\u{0627}1\u{0628}"), // RandALCat first and last, digits between
    ])
    func mappingAndNormalisation(input: String, expected: String) {
        #expect(SASLprep.prepare(input) == expected)
    }

    @Test(arguments: [
        "",                          // nothing left
        "\u{00AD}",                  // mapped to nothing: empty
        "tab\there",                 // C.2.1 ASCII control
        "x\u{0085}",                 // C.2.2 non-ASCII control
        "x\u{E000}",                 // C.3 private use
        "x" + scalar(0xFDD0), "x" + scalar(0x1FFFE),   // C.4 non-characters (no literal allowed)
        "x\u{FFFD}",                 // C.6 inappropriate for plain text
        "x\u{2FF0}",                 // C.7 inappropriate for canonical representation
        "x\u{202E}", "x\u{200E}",    // C.8 display properties (bidi overrides)
        "x\u{E0041}",                // C.9 tagging character
        "\u{05D0}a\u{05D1}",         // RandALCat with LCat
        "\u{05D0}1",                 // RandALCat not last
    ])
    func prohibitedStringsFail(input: String) {
        #expect(SASLprep.prepare(input) == nil)
    }

    @Test func everyPrintableASCIIStringIsUnchanged() {
        let printable = String((0x20...0x7E).map { Character(Unicode.Scalar(UInt8($0))) })
        #expect(SASLprep.prepare(printable) == printable)
        #expect(SASLprep.prepare(printable, for: .storedString) == printable)
    }

    @Test func unassignedCodePointsAreRefusedOnlyInStoredStrings() {
        // U+0378 is unassigned (RFC 3454 A.1 and today's Unicode alike).
        #expect(SASLprep.prepare("x\u{0378}") == "x\u{0378}")
        #expect(SASLprep.prepare("x\u{0378}", for: .storedString) == nil)
    }

    @Test func scramKeysAreDerivedFromThePreparedPassword() {
        let salt = Array("saltsaltsaltsalt".utf8)
        let prepared = SCRAMCredentials.derive(password: "IX", salt: salt, iterations: 4096)
        #expect(SCRAMCredentials.derive(password: "I\u{00AD}X", salt: salt, iterations: 4096) == prepared)
        #expect(SCRAMCredentials.derive(password: "\u{2168}", salt: salt, iterations: 4096) == prepared)
        #expect(SCRAMCredentials.derive(password: "IY", salt: salt, iterations: 4096) != prepared)
    }
}

@Suite struct SASLprepAuthenticationTests {
    let hasher = PasswordHasher(configuration: .init(memoryKiB: 8, iterations: 1, parallelism: 1))

    @Test(arguments: ["IX", "I\u{00AD}X", "\u{2168}", "I\u{200B}X"])
    func nfkcEqualFormsLogIn(typed: String) async throws {
        // Stored as `facteur user add` stores it: the prepared form.
        let store = InMemoryAccountStore([("alice@example.test", try await hasher.hash("IX"))])
        let authenticator = Authenticator(store: store, hasher: hasher)
        #expect(await authenticator.authenticate(address: "alice@example.test", password: typed)?.id == 1)
        #expect(await store.passwordUpdates.isEmpty)
    }

    @Test(arguments: ["I\u{0007}X", "\u{0627}1", "x\u{E000}"])
    func prohibitedPasswordFailsLikeAWrongOne(typed: String) async throws {
        let store = InMemoryAccountStore([("alice@example.test", try await hasher.hash(typed))])
        let authenticator = Authenticator(store: store, hasher: hasher)
        // Even the exact string that was hashed (before SASLprep) is refused: no way in with it.
        #expect(await authenticator.authenticate(address: "alice@example.test", password: typed) == nil)
    }

    @Test func userNameIsPrepared() async throws {
        let store = InMemoryAccountStore([("alice@example.test", try await hasher.hash("pw"))])
        let authenticator = Authenticator(store: store, hasher: hasher)
        // FULLWIDTH COMMERCIAL AT is NFKC "@".
        #expect(await authenticator.authenticate(address: "alice\u{FF20}example.test", password: "pw")?.id == 1)
        #expect(await authenticator.authenticate(address: "alice@example.test\u{0007}", password: "pw") == nil)
    }

    @Test func unpreparedHashFromBeforeSASLprepStillWorksAndIsRehashed() async throws {
        // A non-ASCII password hashed as typed, before SASLprep existed.
        let store = InMemoryAccountStore([("carol@example.test", try await hasher.hash("I\u{00AD}X"))])
        let authenticator = Authenticator(store: store, hasher: hasher)
        #expect(await authenticator.authenticate(address: "carol@example.test", password: "I\u{00AD}X") != nil)
        let stored = try #require(await store.storedHash("carol@example.test"))
        #expect(hasher.verify("IX", against: stored))
        // From now on every NFKC-equal form works.
        #expect(await authenticator.authenticate(address: "carol@example.test", password: "\u{2168}") != nil)
    }

    @Test func asciiPasswordHashedBeforeSASLprepVerifiesUnchanged() async throws {
        // "correct horse" in SHA-512 crypt, made long before this code existed.
        let legacy = "$6$saltsalt$hRM5XZ86KXEw9UOmjigeVqFgULtFB2sgpC9lXQDfMib3Zgw7mEiUvBJI2EplzfAqxL5Vvwp2scFtv/uamSo5z0"
        #expect(SASLprep.prepare("correct horse") == "correct horse")
        #expect(hasher.verify("correct horse", against: legacy))
        let store = InMemoryAccountStore([("dave@example.test", legacy)])
        #expect(await Authenticator(store: store, hasher: hasher).authenticate(address: "dave@example.test", password: "correct horse") != nil)
    }
}
