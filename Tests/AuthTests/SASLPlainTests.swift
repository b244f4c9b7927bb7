import Foundation
import Testing
@testable import Auth

@Suite struct SASLPlainTests {
    // RFC 4616 §4 examples, and the shapes clients send.
    @Test(arguments: [
        (Array("\0tim\0tanstaaftanstaaf".utf8), nil, "tim", "tanstaaftanstaaf"),
        (Array("Ursel\0Kurt\0xipj3plmq".utf8), "Ursel", "Kurt", "xipj3plmq"),
        (Array("\0alice@example.test\0p4ss wörd".utf8), nil, "alice@example.test", "p4ss wörd"),
        (Array("admin\0alice\0a\u{1}b".utf8), "admin", "alice", "a\u{1}b"),
    ] as [([UInt8], String?, String, String)])
    func decodesWellFormedMessages(bytes: [UInt8], authzid: String?, authcid: String, password: String) throws {
        let credentials = try SASLPlain.parseMessage(bytes)
        #expect(credentials == SASLPlainCredentials(authorizationIdentity: authzid,
                                                    authenticationIdentity: authcid, password: password))
    }

    @Test(arguments: [
        (Array("tim\0tanstaaf".utf8), SASLPlainError.wrongFieldCount),
        (Array("".utf8), .wrongFieldCount),
        (Array("a\0b\0c\0d".utf8), .wrongFieldCount),
        (Array("\0\0password".utf8), .emptyField),
        (Array("\0tim\0".utf8), .emptyField),
        ([0, 0x74, 0x69, 0x6D, 0, 0xC3, 0x28], .invalidUTF8),          // bad continuation byte
        ([0, 0xC0, 0xAF, 0, 0x70], .invalidUTF8),                      // overlong "/"
        ([0, 0x74, 0, 0xED, 0xA0, 0x80], .invalidUTF8),                // UTF-16 surrogate
        ([0xFF, 0, 0x74, 0, 0x70], .invalidUTF8),
    ] as [([UInt8], SASLPlainError)])
    func rejectsMalformedMessages(bytes: [UInt8], error: SASLPlainError) {
        #expect(throws: error) { try SASLPlain.parseMessage(bytes) }
    }

    @Test func acceptsFieldsOfExactly255Octets() throws {
        let field = String(repeating: "x", count: 255)
        let credentials = try SASLPlain.parseMessage(Array("\(field)\0\(field)\0\(field)".utf8))
        #expect(credentials.password.utf8.count == 255)
        #expect(credentials.authorizationIdentity?.utf8.count == 255)
    }

    @Test(arguments: [0, 1, 2])
    func rejectsAField256OctetsLong(position: Int) {
        var fields = ["authz", "authc", "secret"]
        fields[position] = String(repeating: "y", count: 256)
        #expect(throws: SASLPlainError.fieldTooLong) {
            try SASLPlain.parseMessage(Array(fields.joined(separator: "\0").utf8))
        }
    }

    @Test func rejectsHugeInputWithoutSplittingIt() {
        let huge = [UInt8](repeating: 0x41, count: 1 << 20)
        #expect(throws: SASLPlainError.fieldTooLong) { try SASLPlain.parseMessage(huge) }
    }

    @Test func decodesBase64Form() throws {
        // AGFsaWNlAHNlY3JldA== is "\0alice\0secret", as `swaks --auth PLAIN` sends it.
        let credentials = try SASLPlain.parseBase64Message("AGFsaWNlAHNlY3JldA==")
        #expect(credentials.authenticationIdentity == "alice")
        #expect(credentials.password == "secret")
        #expect(credentials.authorizationIdentity == nil)
    }

    @Test(arguments: ["not base64!", "AGFsaWNl*HNlY3JldA==", "="])
    func rejectsBadBase64(text: String) {
        #expect(throws: SASLPlainError.notBase64) { try SASLPlain.parseBase64Message(text) }
    }

    @Test func rejectsOverlongBase64BeforeDecoding() {
        let long = String(repeating: "QUFB", count: 400)
        #expect(throws: SASLPlainError.fieldTooLong) { try SASLPlain.parseBase64Message(long) }
    }

    @Test func longestValidMessageFitsTheBase64Bound() throws {
        let field = String(repeating: "z", count: 255)
        let encoded = Data("\(field)\0\(field)\0\(field)".utf8).base64EncodedString()
        #expect(try SASLPlain.parseBase64Message(encoded).authenticationIdentity == field)
    }
}
