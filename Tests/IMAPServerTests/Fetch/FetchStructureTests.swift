import Foundation
import Testing
@testable import IMAPServer
import MailMessage

@Suite struct FetchStructureTests {
    static let simpleEnvelope = "(\"Mon, 1 Jan 2024 10:00:00 +0000\" \"Hello there\" "
        + "((\"Alice Example\" NIL \"alice\" \"example.org\")) ((\"Alice Example\" NIL \"alice\" \"example.org\")) "
        + "((\"Alice Example\" NIL \"alice\" \"example.org\")) "
        + "((NIL NIL \"bob\" \"example.net\")(NIL NIL \"Friends\" NIL)(NIL NIL \"carol\" \"example.com\")(NIL NIL NIL NIL)) "
        + "NIL NIL NIL \"<m1@example.org>\")"

    static let innerEnvelope = "(NIL \"Inner\" ((NIL NIL \"c\" \"example.org\")) ((NIL NIL \"c\" \"example.org\")) "
        + "((NIL NIL \"c\" \"example.org\")) NIL NIL NIL NIL NIL)"

    static let multipartStructure = "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" 17 2 NIL NIL NIL NIL)"
        + "(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME\" \"a.bin\") NIL NIL \"BASE64\" 8 NIL (\"ATTACHMENT\" (\"FILENAME\" \"a.bin\")) NIL NIL)"
        + "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 49 \(innerEnvelope) "
        + "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 10 1 NIL NIL NIL NIL) 4 NIL NIL NIL NIL) "
        + "\"MIXED\" (\"BOUNDARY\" \"XX\") NIL NIL NIL)"

    static let multipartBody = "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" 17 2)"
        + "(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME\" \"a.bin\") NIL NIL \"BASE64\" 8)"
        + "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 49 \(innerEnvelope) "
        + "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 10 1) 4) \"MIXED\")"

    @Test func envelopeWithGroupAndDefaultedSenderAndReplyTo() async throws {
        let text = try await FetchFixture(FetchMessages.simple).fetchText([.envelope])
        #expect(text == "* 3 FETCH (ENVELOPE \(Self.simpleEnvelope))\r\n")
    }

    @Test func bodyStructureOfMultipartWithAttachmentAndMessage() async throws {
        let text = try await FetchFixture(FetchMessages.multipart).fetchText([.bodyStructure])
        #expect(text == "* 3 FETCH (BODYSTRUCTURE \(Self.multipartStructure))\r\n")
    }

    @Test func bodyIsTheNonExtensibleForm() async throws {
        let text = try await FetchFixture(FetchMessages.multipart).fetchText([.body])
        #expect(text == "* 3 FETCH (BODY \(Self.multipartBody))\r\n")
    }

    @Test func singlePartStructure() async throws {
        let text = try await FetchFixture(FetchMessages.simple).fetchText([.bodyStructure, .body])
        #expect(text == "* 3 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 30 2 NIL NIL NIL NIL) "
                + "BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 30 2))\r\n")
    }

    @Test(arguments: [FetchMessages.simple, FetchMessages.multipart])
    func messageWithoutMetadataIsParsedFromItsBytes(content: String) async throws {
        let attributes: [IMAPFetchAttribute] = [
            .envelope, .bodyStructure, .preview(lazy: false),
            .bodySection(IMAPSection(part: [1]), partial: nil, peek: true),
            .bodySection(IMAPSection(text: .header), partial: nil, peek: true),
            .bodySection(IMAPSection(text: .text), partial: nil, peek: true),
            .binarySize(part: [1]),
        ]
        let withMetadata = FetchFixture(content)
        let without = FetchFixture(content, withMetadata: false)
        #expect(try await without.fetchText(attributes) == (try await withMetadata.fetchText(attributes)))
        #expect(without.reader.readRanges.contains(0..<without.message.size))
    }

    @Test func undecodableMetadataFallsBackToParsing() async throws {
        let good = FetchFixture(FetchMessages.simple)
        var message = good.message
        message.metadata = Data("{\"v\":1".utf8)
        let broken = FetchFixture(message: message, reader: InMemoryMessageReader(stored: good.reader.stored))
        #expect(try await broken.fetchText([.envelope]) == (try await good.fetchText([.envelope])))
    }

    @Test func groupsAndMissingHostsInEnvelopeAddresses() {
        let envelope = MailMessage.Envelope(from: [Address(displayName: "Ann", localPart: "ann", domain: nil)],
                                            to: [.groupStart("Team"), .groupEnd])
        let converted = IMAPEnvelope(envelope)
        #expect(converted.from == [IMAPAddress(name: "Ann", mailbox: "ann", host: Address.missingDomain)])
        #expect(converted.sender == converted.from)
        #expect(converted.replyTo == converted.from)
        #expect(converted.to == [.groupStart("Team"), .groupEnd])
        #expect(converted.cc.isEmpty)
    }
}
