import NIOCore
import Testing
@testable import IMAPServer
import MailMessage

/// The byte-array paths FETCH uses for message lists must write exactly what the general
/// encoder writes, in both string modes.
@Suite struct IMAPResponseEncoderFastPathTests {
    static let encoders = [IMAPResponseEncoder(options: .imap4rev1), IMAPResponseEncoder(options: .utf8)]

    static let envelopes: [MailMessage.Envelope] = [
        Envelope(),
        Envelope(date: "Mon, 1 Jan 2024 10:00:00 +0000", subject: "Hello \"quoted\" back\\slash",
                 from: [Address(displayName: "Alice", localPart: "alice", domain: "example.org")],
                 to: [Address(kind: .groupStart, localPart: "Friends", domain: nil), Address(localPart: "bob", domain: "example.net"),
                      Address(kind: .groupEnd, localPart: nil, domain: nil)],
                 cc: [Address(localPart: nil, domain: nil)], messageID: "<m1@example.org>"),
        Envelope(subject: "Grüße aus München", from: [Address(displayName: "Zoë", localPart: "zoe", domain: "example.de")],
                 sender: [Address(localPart: "list", domain: "example.de")],
                 replyTo: [Address(route: "@relay.example", localPart: "r", domain: "example.de")],
                 bcc: [Address(kind: .groupStart, localPart: nil, domain: nil), Address(kind: .groupEnd, localPart: nil, domain: nil)],
                 inReplyTo: "<a@b>"),
        Envelope(subject: "line\r\nbreak", from: [Address(displayName: String(repeating: "x", count: 1500), localPart: "a", domain: "b")]),
    ]

    static func text(_ write: (inout ByteBuffer) -> Void) -> String {
        var buffer = ByteBuffer()
        write(&buffer)
        return String(buffer: buffer)
    }

    @Test(arguments: envelopes)
    func storedEnvelopeMatchesTheIMAPEnvelopeForm(_ envelope: MailMessage.Envelope) {
        for encoder in Self.encoders {
            var stored = envelope
            stored.sender = []    // an old stored form: the default to from applies here too
            for candidate in [envelope, stored] {
                let fast = Self.text { encoder.writeEnvelope(stored: candidate, into: &$0) }
                let general = Self.text { encoder.writeEnvelope(IMAPEnvelope(candidate), into: &$0) }
                #expect(fast == general)
            }
        }
    }

    @Test func quotedFormsFollowTheMode() {
        let rev1 = Self.encoders[0], utf8 = Self.encoders[1]
        #expect(Self.text { rev1.writeString("a\"b\\c", into: &$0) } == "\"a\\\"b\\\\c\"")
        #expect(Self.text { rev1.writeString("Grüße", into: &$0) } == "{7}\r\nGrüße")
        #expect(Self.text { utf8.writeString("Grüße", into: &$0) } == "\"Grüße\"")
        // Bytes that are not UTF-8 are never quoted, even in UTF-8 mode.
        var buffer = ByteBuffer()
        utf8.writeString([0x61, 0xFF] as [UInt8], into: &buffer)
        #expect(Array(buffer.readableBytesView) == Array("{2}\r\n".utf8) + [0x61, 0xFF])
        #expect(Self.text { utf8.writeString(String(repeating: "y", count: 1025), into: &$0) }.hasPrefix("{1025}\r\n"))
    }

    static let dates: [IMAPDateTime] = [
        IMAPDateTime(date: IMAPDate(year: 1996, month: 7, day: 17)!, hour: 2, minute: 44, second: 25, zoneMinutes: -420)!,
        IMAPDateTime(date: IMAPDate(year: 2026, month: 11, day: 3)!, hour: 23, minute: 5, second: 9, zoneMinutes: 0)!,
        IMAPDateTime(date: IMAPDate(year: 2000, month: 1, day: 31)!, hour: 0, minute: 0, second: 60, zoneMinutes: 330)!,
    ]

    @Test(arguments: dates)
    func dateTimeBytesMatchTheDescription(_ date: IMAPDateTime) {
        var bytes: [UInt8] = []
        date.appendQuoted(to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "\"\(date)\"")
    }

    @Test(arguments: [UInt64(0), 7, 10, 99, 4286, 4_294_967_295, UInt64.max])
    func decimalDigits(_ value: UInt64) {
        var bytes: [UInt8] = [UInt8(ascii: "x")]
        IMAPResponseEncoder.appendDecimal(value, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "x\(value)")
    }
}
