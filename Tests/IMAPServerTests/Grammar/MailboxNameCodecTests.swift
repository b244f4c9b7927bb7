import Testing
@testable import IMAPServer

@Suite struct MailboxNameCodecTests {
    /// (Unicode name, modified UTF-7) pairs; RFC 3501 §5.1.3's example first.
    static let pairs: [(String, String)] = [
        ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
        ("INBOX", "INBOX"),
        ("&", "&-"),
        ("Tom & Jerry", "Tom &- Jerry"),
        ("Entwürfe", "Entw&APw-rfe"),
        ("Отправленные", "&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-"),
        ("😀", "&2D3eAA-"),
        ("a\u{7F}b", "a&AH8-b"),
        ("", ""),
    ]

    @Test(arguments: pairs)
    func roundTrips(_ name: String, _ encoded: String) throws {
        #expect(MailboxNameCodec.encode(name) == encoded)
        #expect(try MailboxNameCodec.decode(Array(encoded.utf8)) == name)
    }

    static let invalid: [(String, MailboxNameCodec.DecodingError)] = [
        ("&U,BTFw", .unterminatedShift(offset: 0)),
        ("a&U!BTFw-", .unterminatedShift(offset: 1)),
        ("caf\u{E9}", .invalidCharacter(offset: 3)),
        ("a\tb", .invalidCharacter(offset: 1)),
        ("&AGE-", .nonCanonical(offset: 0)),                     // "a" must represent itself
        ("&APw-&APw-", .nonCanonical(offset: 5)),                // two shifts back to back
        ("&APw", .unterminatedShift(offset: 0)),
        ("&AP-", .invalidBase64(offset: 0)),                     // not a whole UTF-16 unit
        ("&APx-", .invalidBase64(offset: 0)),                    // nonzero padding bits
        ("&2D0-", .invalidBase64(offset: 0)),                    // lone high surrogate
        ("&3gA-", .invalidBase64(offset: 0)),                    // lone low surrogate
        ("&U/BTFw-", .unterminatedShift(offset: 0)),             // "/" is not modified base64
    ]

    @Test(arguments: invalid)
    func rejectsInvalidModifiedUTF7(_ encoded: String, _ expected: MailboxNameCodec.DecodingError) {
        #expect(throws: expected) { try MailboxNameCodec.decode(Array(encoded.utf8)) }
    }

    @Test func inboxIsCaseInsensitive() {
        #expect(IMAPMailboxName("iNbOx") == .inbox)
        #expect(IMAPMailboxName("inbox").isInbox)
        #expect(IMAPMailboxName("INBOX/Sub").name == "INBOX/Sub")
        #expect(IMAPMailboxName("Inbox2") != .inbox)
    }
}
