import Foundation
import Testing
@testable import IMAPServer
import MailMessage
import MailStore

/// `appendFromRow`, the synchronous message-list path of FETCH, must write exactly the octets
/// `respond` writes, in IMAP4rev1 and UTF-8 modes, and step aside whenever the row cannot answer.
@Suite struct FetchMessageListTests {
    static let encoders = [IMAPResponseEncoder(options: .imap4rev1), IMAPResponseEncoder(options: .utf8)]

    static let attributeSets: [[IMAPFetchAttribute]] = [
        [.uid, .flags, .rfc822Size, .internalDate, .envelope],
        [.envelope],
        [.flags, .modSequence, .uid],
        [.internalDate, .envelope, .rfc822Size, .modSequence],
    ]

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
        Envelope(subject: "line\r\nbreak\ttab\u{7F}", from: [Address(displayName: String(repeating: "x", count: 1500), localPart: "a", domain: "b")]),
        Envelope(subject: "", from: [Address(displayName: "", localPart: "", domain: "")], to: [Address(localPart: "x\"y", domain: "z")]),
        Envelope(subject: "exactly8", messageID: String(repeating: "<abcdefg>", count: 113)),
    ]

    /// A message whose stored summary carries `envelope` (the rest from a parsed message).
    static func fixture(_ envelope: MailMessage.Envelope, flags: [String] = ["$Forwarded", "\\Answered", "\\Seen"],
                        metadata: ((Data) -> Data)? = nil) -> FetchFixture {
        let base = FetchFixture(FetchMessages.simple, flags: flags)
        var summary = MessageParser.parse(Array(FetchMessages.simple.utf8)).summary
        summary.envelope = envelope
        var message = base.message
        message.metadata = metadata.map { $0(summary.encoded()) } ?? summary.encoded()
        return FetchFixture(message: message, reader: base.reader)
    }

    static func fromRow(_ fixture: FetchFixture, _ attributes: [IMAPFetchAttribute],
                        encoder: IMAPResponseEncoder) -> String? {
        let responder = IMAPFetchResponder(encoder: encoder, reader: fixture.reader)
        var bytes: [UInt8] = Array("kept".utf8)
        guard responder.appendFromRow(sequenceNumber: 3, message: fixture.message, attributes: attributes, to: &bytes) else {
            #expect(bytes == Array("kept".utf8), "a refusal leaves the bytes as they were")
            return nil
        }
        #expect(bytes.starts(with: Array("kept".utf8)))
        return String(decoding: bytes.dropFirst(4), as: UTF8.self)
    }

    @Test(arguments: envelopes.indices)
    func storedEnvelopesGiveRespondsOctets(_ index: Int) async throws {
        for encoder in Self.encoders {
            // The envelope as stored, and an old stored form whose sender and reply-to are empty.
            var old = Self.envelopes[index]
            old.sender = []
            old.replyTo = []
            for envelope in [Self.envelopes[index], old] {
                let fixture = Self.fixture(envelope)
                for attributes in Self.attributeSets {
                    let expected = try await fixture.fetch(attributes, encoder: encoder).text
                    #expect(Self.fromRow(fixture, attributes, encoder: encoder) == expected)
                }
            }
        }
    }

    @Test(arguments: [FetchMessages.simple, FetchMessages.multipart])
    func parsedMessagesGiveRespondsOctets(_ content: String) async throws {
        for encoder in Self.encoders {
            let fixture = FetchFixture(content)
            for attributes in Self.attributeSets {
                #expect(Self.fromRow(fixture, attributes, encoder: encoder) == (try await fixture.fetch(attributes, encoder: encoder).text))
            }
        }
    }

    static let flagSets: [[String]] = [[], ["\\Seen"], ["$Junk", "\\Deleted", "\\Draft", "\\Flagged", "work"],
                                       ["\\seen", "\\Recent", "\\XCustom"]]

    @Test(arguments: flagSets)
    func flagsAreSpelledAsRespondSpellsThem(_ flags: [String]) async throws {
        let fixture = Self.fixture(Self.envelopes[1], flags: flags)
        let attributes: [IMAPFetchAttribute] = [.uid, .flags]
        #expect(Self.fromRow(fixture, attributes, encoder: IMAPResponseEncoder()) == (try await fixture.fetch(attributes).text))
    }

    @Test func invalidUTF8InACorruptRowIsRepairedAsTheDecodedStringWouldBe() async throws {
        let envelope = Envelope(subject: "Grüße", from: [Address(displayName: "Zoë", localPart: "zoe", domain: "example.de")])
        // "ü" is C3 BC; a lone FF in its place is not UTF-8.
        let fixture = Self.fixture(envelope) { data in
            var bytes = Array(data)
            if let at = bytes.firstIndex(of: 0xC3) { bytes[at] = 0xFF }
            return Data(bytes)
        }
        for encoder in Self.encoders {
            let expected = try await fixture.fetch([.envelope], encoder: encoder).text
            #expect(expected.contains("\u{FFFD}"))
            #expect(Self.fromRow(fixture, [.envelope], encoder: encoder) == expected)
        }
    }

    @Test func rowsItCannotReadAreLeftToRespond() {
        let encoder = IMAPResponseEncoder()
        // No metadata (imported rows), a JSON row, a truncated one: `respond` parses or decodes.
        #expect(Self.fromRow(FetchFixture(FetchMessages.simple, withMetadata: false), [.uid, .envelope], encoder: encoder) == nil)
        #expect(Self.fromRow(Self.fixture(Self.envelopes[1]) { _ in Data(#"{"v":1}"#.utf8) }, [.envelope], encoder: encoder) == nil)
        #expect(Self.fromRow(Self.fixture(Self.envelopes[1]) { $0.prefix(20) }, [.uid, .envelope], encoder: encoder) == nil)
        // Attributes outside the shape.
        #expect(Self.fromRow(FetchFixture(FetchMessages.simple), [.uid, .bodyStructure], encoder: encoder) == nil)
        #expect(!IMAPFetchResponder.answersFromRow([.uid, .bodySection(IMAPSection(), partial: nil, peek: true)]))
        #expect(IMAPFetchResponder.answersFromRow([.uid, .flags, .rfc822Size, .internalDate, .envelope, .modSequence]))
    }

    @Test func eightOctetScanAgreesWithQuotedForm() {
        let encoder = IMAPResponseEncoder(options: .utf8)
        var samples: [[UInt8]] = [[], Array("plain ascii text, 27 chars".utf8), Array("12345678".utf8), Array("1234567\"".utf8),
                                  Array("a\\b".utf8), [0x1F, 0x41], [0x7F], Array("é".utf8), Array(repeating: 0x61, count: 1025)]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let alphabet: [UInt8] = [0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x22, 0x41, 0x5C, 0x7E, 0x7F, 0x80, 0xC3, 0xFF]
            samples.append((0..<Int.random(in: 0...20, using: &generator)).map { _ in
                Bool.random(using: &generator) ? 0x61 : alphabet.randomElement(using: &generator)! })
        }
        for sample in samples {
            sample.withUnsafeBufferPointer { buffer in
                let plain = encoder.quotedForm(of: buffer, knownValidUTF8: false) == .plain
                let printable = buffer.count <= IMAPResponseEncoder.maxQuotedLength
                    && buffer.allSatisfy { $0 >= 0x20 && $0 < 0x80 && $0 != 0x22 && $0 != 0x5C }
                #expect(IMAPResponseEncoder.isPlainQuotable(buffer) == printable, "\(sample)")
                if printable { #expect(plain, "\(sample)") }
            }
        }
    }
}
