import Testing
@testable import IMAPServer
import MailMessage

@Suite struct FetchBinaryTests {
    static func binary(_ part: [UInt32], _ partial: IMAPPartial? = nil) -> IMAPFetchAttribute {
        .binary(part: part, partial: partial, peek: true)
    }

    @Test func quotedPrintableTextIsDecoded() async throws {
        let text = try await FetchFixture(FetchMessages.multipart).fetchText([Self.binary([1]), .binarySize(part: [1])])
        // 8-bit without NUL: a plain string (a literal, since it is not quotable before UTF8=ACCEPT).
        #expect(text == "* 3 FETCH (BINARY[1] \(literal("Café soft")) BINARY.SIZE[1] 10)\r\n")
    }

    @Test func base64WithNULIsALiteral8() async throws {
        let (text, buffers) = try await FetchFixture(FetchMessages.multipart).fetch([Self.binary([2]), .binarySize(part: [2])])
        #expect(Array(buffers.joined()) == Array("* 3 FETCH (BINARY[2] ~{5}\r\n".utf8) + [0, 1, 2, 3, 4]
                + Array(" BINARY.SIZE[2] 5)\r\n".utf8))
        #expect(buffers.count == 1)
        #expect(text.hasSuffix(" BINARY.SIZE[2] 5)\r\n"))
    }

    @Test func utf8SessionsGetQuotedDecodedText() async throws {
        let fixture = FetchFixture(FetchMessages.multipart)
        let text = try await fixture.fetch([Self.binary([1])], encoder: IMAPResponseEncoder(options: .utf8)).text
        #expect(text == "* 3 FETCH (BINARY[1] \(literal("Café soft")))\r\n")
    }

    @Test(arguments: [
        ([UInt32(2)], IMAPPartial(offset: 1, length: 2), "BINARY[2]<1> {2}\r\n\\u{01}\\u{02}"),
        ([1], IMAPPartial(offset: 5, length: 100), "BINARY[1]<5> \(literal(" soft"))"),
        ([1], IMAPPartial(offset: 0, length: 3), "BINARY[1]<0> \(literal("Caf"))"),
        ([1], IMAPPartial(offset: 10, length: 3), "BINARY[1]<10> \(literal(""))"),
        ([9], nil, "BINARY[9] \(literal(""))"),
        ([3, 1], nil, "BINARY[3.1] \(literal("Inner body"))"),
    ])
    func partialsAndOtherParts(part: [UInt32], partial: IMAPPartial?, expected: String) async throws {
        let text = try await FetchFixture(FetchMessages.multipart).fetchText([Self.binary(part, partial)])
        #expect(text == "* 3 FETCH (\(expected.replacingOccurrences(of: "\\u{01}\\u{02}", with: "\u{01}\u{02}")))\r\n")
    }

    @Test func unknownTransferEncodingFailsBeforeAnythingIsEmitted() async throws {
        let content = "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 a\r\n"
        let fixture = FetchFixture(content)
        let responder = IMAPFetchResponder(encoder: IMAPResponseEncoder(), reader: fixture.reader)
        for attribute in [Self.binary([1]), .binarySize(part: [1])] {
            var emitted = 0
            await #expect(throws: IMAPFetchError.unknownTransferEncoding) {
                try await responder.respond(sequenceNumber: 1, message: fixture.message, attributes: [.uid, attribute]) { _ in
                    emitted += 1
                }
            }
            #expect(emitted == 0)
        }
        // BODY[1] still works: it sends the part as it is.
        let text = try await fixture.fetchText([.bodySection(IMAPSection(part: [1]), partial: nil, peek: true)])
        #expect(text == "* 3 FETCH (BODY[1] \(literal("begin 644 a\r\n")))\r\n")
    }

    @Test func textPartsGoOutWithCRLF() async throws {
        // "one\ntwo\n" in base64: the decoded text has bare line feeds (RFC 9051 §7.5.2 asks for CRLF).
        let content = "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nb25lCnR3bwo=\r\n"
        let text = try await FetchFixture(content).fetchText([Self.binary([1]), .binarySize(part: [1])])
        #expect(text == "* 3 FETCH (BINARY[1] \(literal("one\r\ntwo\r\n")) BINARY.SIZE[1] 10)\r\n")
    }

    // MARK: - Large parts

    /// A multipart whose attachment is `payload` base64-encoded in 76-character lines and whose
    /// second part is quoted-printable text.
    static func largeMessage(payload: [UInt8], text: String) -> String {
        let encoded = Array(IMAPBase64.encode(payload).utf8)
        let lines = stride(from: 0, to: encoded.count, by: 76).map {
            String(decoding: encoded[$0..<min($0 + 76, encoded.count)], as: UTF8.self)
        }
        return "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=Z\r\n\r\n--Z\r\n"
            + "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + lines.joined(separator: "\r\n") + "\r\n--Z\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + text + "\r\n--Z--\r\n"
    }

    static let payload: [UInt8] = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 / 256) }
    static let qpText = (1...300).map { "Ligne \($0) =C3=A9t=C3=A9 tr=C3=A8s longue qui continue =\r\napr=C3=A8s un saut doux" }
        .joined(separator: "\r\n")

    @Test(arguments: [3, 64, 1000, 4096, 1 << 20])
    func largePartsDecodeTheSameAtAnyChunkSize(chunkSize: Int) async throws {
        let fixture = FetchFixture(Self.largeMessage(payload: Self.payload, text: Self.qpText))
        let attributes = [Self.binary([1]), .binarySize(part: [1]), Self.binary([2]), .binarySize(part: [2]),
                          Self.binary([1], IMAPPartial(offset: 1000, length: 3000))]
        let (_, buffers) = try await fixture.fetch(attributes, chunkSize: chunkSize)
        let decodedText = Array(QuotedPrintableDecoder.decode(Array(Self.qpText.utf8)))
        let expected = Array("* 3 FETCH (BINARY[1] ~{20000}\r\n".utf8) + Self.payload
            + Array(" BINARY.SIZE[1] 20000 BINARY[2] {\(decodedText.count)}\r\n".utf8) + decodedText
            + Array(" BINARY.SIZE[2] \(decodedText.count) BINARY[1]<1000> ~{3000}\r\n".utf8) + Array(Self.payload[1000..<4000])
            + Array(")\r\n".utf8)
        #expect(Array(buffers.joined()) == expected)
        #expect(fixture.reader.readRanges.allSatisfy { $0.count <= chunkSize })
        if chunkSize < 4096 {
            #expect(buffers.count > 3)   // streamed, not gathered
        }
    }

    @Test func largeDecodedDataWithoutNULIsAPlainLiteral() async throws {
        let payload = Array(repeating: UInt8(ascii: "a"), count: 5000)
        let fixture = FetchFixture(Self.largeMessage(payload: payload, text: "x"))
        let (text, _) = try await fixture.fetch([Self.binary([1])], chunkSize: 100)
        #expect(text == "* 3 FETCH (BINARY[1] \(literal(String(repeating: "a", count: 5000))))\r\n")
    }
}
