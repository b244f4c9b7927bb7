import Testing
@testable import IMAPServer

@Suite struct FetchSectionTests {
    static let simpleHeader = "From: Alice Example <alice@example.org>\r\nTo: bob@example.net, Friends: carol@example.com;\r\n"
        + "Subject: Hello\r\n there\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\nMessage-ID: <m1@example.org>\r\n\r\n"
    static let simpleText = "Body line one\r\nBody line two\r\n"
    static let partTwoMIME = "Content-Type: application/octet-stream; name=\"a.bin\"\r\n"
        + "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"a.bin\"\r\n\r\n"

    static func peek(_ section: IMAPSection, _ partial: IMAPPartial? = nil) -> IMAPFetchAttribute {
        .bodySection(section, partial: partial, peek: true)
    }

    @Test func wholeMessageIsOneReadAndOneBuffer() async throws {
        let fixture = FetchFixture(FetchMessages.simple)
        let (text, buffers) = try await fixture.fetch([.bodySection(IMAPSection(), partial: nil, peek: false)])
        #expect(text == "* 3 FETCH (BODY[] \(literal(FetchFixture.prefix + FetchMessages.simple)))\r\n")
        #expect(buffers.count == 1)
        #expect(fixture.reader.readRanges == [0..<fixture.message.size])
    }

    @Test(arguments: [
        // The root header includes the prefix lines added at delivery.
        (IMAPSection(text: .header), literal(FetchFixture.prefix + simpleHeader)),
        (IMAPSection(text: .text), literal(simpleText)),
        (IMAPSection(part: [1]), literal(simpleText)),
        (IMAPSection(text: .headerFields(["From", "Subject"])),
         literal("From: Alice Example <alice@example.org>\r\nSubject: Hello\r\n there\r\n\r\n")),
        (IMAPSection(text: .headerFields(["return-PATH"])), literal("Return-Path: <a@b>\r\n\r\n")),
        (IMAPSection(text: .headerFieldsNot(["to", "DATE", "Message-ID", "subject", "from"])),
         literal(FetchFixture.prefix + "\r\n")),
    ])
    func simpleMessageSections(section: IMAPSection, expected: String) async throws {
        let text = try await FetchFixture(FetchMessages.simple).fetchText([Self.peek(section)])
        #expect(text == "* 3 FETCH (BODY[\(section)] \(expected))\r\n")
    }

    @Test(arguments: [
        (IMAPSection(part: [1]), literal("Caf=C3=A9 =\r\nsoft")),
        (IMAPSection(part: [2]), literal("AAECAwQ=")),
        (IMAPSection(part: [2], text: .mime), literal(partTwoMIME)),
        (IMAPSection(part: [3]), literal("From: c@example.org\r\nSubject: Inner\r\n\r\nInner body")),
        (IMAPSection(part: [3], text: .header), literal("From: c@example.org\r\nSubject: Inner\r\n\r\n")),
        (IMAPSection(part: [3], text: .headerFields(["SUBJECT"])), literal("Subject: Inner\r\n\r\n")),
        (IMAPSection(part: [3], text: .text), literal("Inner body")),
        (IMAPSection(part: [3, 1]), literal("Inner body")),
    ])
    func multipartSections(section: IMAPSection, expected: String) async throws {
        let fixture = FetchFixture(FetchMessages.multipart)
        let text = try await fixture.fetchText([Self.peek(section)])
        #expect(text == "* 3 FETCH (BODY[\(section)] \(expected))\r\n")
        // Only the section's own octets are read (the summary is stored).
        #expect(fixture.reader.readRanges.count == 1)
        #expect(fixture.reader.readRanges.allSatisfy { $0.lowerBound >= FetchFixture.prefix.utf8.count })
    }

    @Test(arguments: [
        IMAPSection(part: [4]), IMAPSection(part: [1, 2]), IMAPSection(part: [2, 1]), IMAPSection(part: [3, 2]),
        IMAPSection(part: [2], text: .header), IMAPSection(part: [1], text: .text), IMAPSection(part: [9], text: .mime),
    ])
    func nonexistentSectionIsAnEmptyString(section: IMAPSection) async throws {
        let text = try await FetchFixture(FetchMessages.multipart).fetchText([Self.peek(section)])
        #expect(text == "* 3 FETCH (BODY[\(section)] \(literal("")))\r\n")
    }

    @Test(arguments: [
        (IMAPSection(), IMAPPartial(offset: 0, length: 10), "BODY[]<0> \(literal("Return-Pat"))"),
        (IMAPSection(text: .text), IMAPPartial(offset: 5, length: 4), "BODY[TEXT]<5> \(literal("line"))"),
        (IMAPSection(text: .text), IMAPPartial(offset: 15, length: 1000), "BODY[TEXT]<15> \(literal("Body line two\r\n"))"),
        (IMAPSection(part: [1]), IMAPPartial(offset: 30, length: 10), "BODY[1]<30> \(literal(""))"),
        (IMAPSection(part: [1]), IMAPPartial(offset: 100_000, length: 10), "BODY[1]<100000> \(literal(""))"),
        (IMAPSection(part: [1]), IMAPPartial(offset: UInt64.max, length: UInt64.max), "BODY[1]<18446744073709551615> \(literal(""))"),
        (IMAPSection(part: [1]), IMAPPartial(offset: 1, length: UInt64.max), "BODY[1]<1> \(literal("ody line one\r\nBody line two\r\n"))"),
        // RFC 9051 §6.4.5: the partial range applies after subsetting the header.
        (IMAPSection(text: .headerFields(["Subject"])), IMAPPartial(offset: 9, length: 5),
         "BODY[HEADER.FIELDS (Subject)]<9> \(literal("Hello"))"),
        (IMAPSection(part: [7]), IMAPPartial(offset: 0, length: 5), "BODY[7]<0> \(literal(""))"),
    ])
    func partialFetch(section: IMAPSection, partial: IMAPPartial, expected: String) async throws {
        let text = try await FetchFixture(FetchMessages.simple).fetchText([Self.peek(section, partial)])
        #expect(text == "* 3 FETCH (\(expected))\r\n")
    }

    @Test func rfc822FormsUseTheirIMAP4rev1Names() async throws {
        let text = try await FetchFixture(FetchMessages.simple).fetchText([.rfc822Header, .rfc822Text, .rfc822])
        #expect(text == "* 3 FETCH (RFC822.HEADER \(literal(FetchFixture.prefix + Self.simpleHeader)) "
                + "RFC822.TEXT \(literal(Self.simpleText)) RFC822 \(literal(FetchFixture.prefix + FetchMessages.simple)))\r\n")
    }

    // MARK: - Streaming

    static let bigText = (1...200).map { "Line \(String($0).padded(to: 3)) " + String(repeating: "x", count: 39) + "\r\n" }.joined()
    static let big = "From: a@example.org\r\nSubject: big\r\n\r\n" + bigText

    @Test func largeWholeMessageIsStreamedInChunkSizedReads() async throws {
        let fixture = FetchFixture(Self.big)
        let size = fixture.message.size
        let (text, buffers) = try await fixture.fetch([.uid, .bodySection(IMAPSection(), partial: nil, peek: true), .flags],
                                                      chunkSize: 1000)
        let expectedRanges = stride(from: 0, to: size, by: 1000).map { $0..<min($0 + 1000, size) }
        #expect(fixture.reader.readRanges == expectedRanges)
        #expect(buffers.count == expectedRanges.count + 2)
        #expect(String(decoding: buffers[0], as: UTF8.self) == "* 3 FETCH (UID 7 BODY[] {\(size)}\r\n")
        #expect(buffers[1..<(buffers.count - 1)].allSatisfy { $0.count <= 1000 })
        #expect(Array(buffers[1..<(buffers.count - 1)].joined()) == fixture.reader.stored)
        #expect(String(decoding: buffers[buffers.count - 1], as: UTF8.self) == " FLAGS (\\Seen $Forwarded))\r\n")
        #expect(text == "* 3 FETCH (UID 7 BODY[] \(literal(FetchFixture.prefix + Self.big)) FLAGS (\\Seen $Forwarded))\r\n")
    }

    @Test(arguments: [1, 7, 1000, 4096, 65_536])
    func streamingDoesNotChangeTheBytes(chunkSize: Int) async throws {
        let attributes: [IMAPFetchAttribute] = [
            .rfc822Text, Self.peek(IMAPSection(text: .text), IMAPPartial(offset: 333, length: 5000)), .rfc822,
            Self.peek(IMAPSection(part: [1])),
        ]
        let fixture = FetchFixture(Self.big)
        let text = try await fixture.fetchText(attributes, chunkSize: chunkSize)
        let body = Array(Self.bigText.utf8)
        #expect(text == "* 3 FETCH (RFC822.TEXT \(literal(Self.bigText)) "
                + "BODY[TEXT]<333> \(literal(String(decoding: body[333..<5333], as: UTF8.self))) "
                + "RFC822 \(literal(FetchFixture.prefix + Self.big)) BODY[1] \(literal(Self.bigText)))\r\n")
        #expect(fixture.reader.readRanges.allSatisfy { $0.count <= chunkSize })
    }

    @Test func aStreamedPartReadsOnlyItsOwnOctets() async throws {
        let beforePart = "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\nsmall\r\n--B\r\n"
            + "Content-Type: text/plain\r\n\r\n"
        let fixture = FetchFixture(beforePart + Self.bigText + "--B--\r\n")
        let stored = fixture.reader.stored
        let (text, _) = try await fixture.fetch([Self.peek(IMAPSection(part: [2]))], chunkSize: 512)
        let partStart = FetchFixture.prefix.utf8.count + beforePart.utf8.count
        let partEnd = partStart + Self.bigText.utf8.count - 2     // the CRLF before the boundary is not the part's
        #expect(fixture.reader.readRanges.first?.lowerBound == partStart)
        #expect(fixture.reader.readRanges.last?.upperBound == partEnd)
        #expect(fixture.reader.readRanges.allSatisfy { $0.count <= 512 })
        #expect(text == "* 3 FETCH (BODY[2] \(literal(String(decoding: stored[partStart..<partEnd], as: UTF8.self))))\r\n")
    }

    @Test func aTruncatedBlobFailsTheStreamInsteadOfBreakingTheFraming() async throws {
        let fixture = FetchFixture(Self.big)
        let short = FetchFixture(message: fixture.message, reader: InMemoryMessageReader(stored: Array(fixture.reader.stored.dropLast(10))))
        await #expect(throws: IMAPFetchError.storedMessageUnreadable) {
            _ = try await short.fetch([Self.peek(IMAPSection())], chunkSize: 1000)
        }
    }
}

extension String {
    fileprivate func padded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
