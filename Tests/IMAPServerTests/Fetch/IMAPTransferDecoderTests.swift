import Testing
@testable import IMAPServer
import MailMessage

@Suite struct IMAPTransferDecoderTests {
    static func decodeInChunks(_ input: [UInt8], encoding: String, chunk: Int, normalizing: Bool = false) -> [UInt8]? {
        guard var decoder = IMAPTransferDecoder(encoding: encoding, normalizesLineEndings: normalizing) else { return nil }
        var output: [UInt8] = []
        var start = 0
        while start < input.count {
            output += decoder.decode(Array(input[start..<min(start + chunk, input.count)]))
            start += chunk
        }
        return output + decoder.finish()
    }

    static let base64Inputs = [
        "", "QQ", "QUI", "QUJD", "QUJDRA==", "QUJD\r\nREVG\r\n", "QU JD!!RA=", "QUJDRA==QUJD", "  \r\n", "Zm9vYmFy\r\nYmF6",
    ]

    @Test(arguments: base64Inputs, [1, 2, 3, 5, 100])
    func base64MatchesTheWholeBodyDecoder(input: String, chunk: Int) {
        #expect(Self.decodeInChunks(Array(input.utf8), encoding: "BASE64", chunk: chunk)
                == Base64Decoder.decode(Array(input.utf8)))
    }

    static let quotedPrintableInputs = [
        "", "plain", "a=3Db", "soft =\r\nbreak", "bare =\nlf", "trailing =  \r\nspace", "bad =G1 and =", "=C3=A9=c3=a9",
        "end =", "line\r\nline2\r\n", "=\r\n=\r\n=41",
    ]

    @Test(arguments: quotedPrintableInputs, [1, 2, 3, 7, 100])
    func quotedPrintableMatchesTheWholeBodyDecoder(input: String, chunk: Int) {
        #expect(Self.decodeInChunks(Array(input.utf8), encoding: "quoted-printable", chunk: chunk)
                == QuotedPrintableDecoder.decode(Array(input.utf8)))
    }

    @Test(arguments: ["7bit", "8bit", "binary", "", "7BIT"])
    func identityEncodings(encoding: String) {
        #expect(Self.decodeInChunks([0, 1, 10, 255], encoding: encoding, chunk: 3) == [0, 1, 10, 255])
    }

    @Test(arguments: ["x-uuencode", "uuencode", "base32", "gzip"])
    func unknownEncodingsAreRefused(encoding: String) {
        #expect(IMAPTransferDecoder(encoding: encoding, normalizesLineEndings: false) == nil)
    }

    @Test(arguments: [1, 2, 50])
    func bareLineFeedsBecomeCRLFAcrossChunks(chunk: Int) {
        let input = Array("a\nb\r\nc\r\n\nd\r".utf8)
        #expect(Self.decodeInChunks(input, encoding: "8bit", chunk: chunk, normalizing: true)
                == Array("a\r\nb\r\nc\r\n\r\nd\r".utf8))
    }

    @Test func aHugeQuotedPrintableLineIsCutToBoundMemory() throws {
        var decoder = try #require(IMAPTransferDecoder(encoding: "quoted-printable", normalizesLineEndings: false))
        var produced = 0
        for _ in 0..<40 {
            produced += decoder.decode(Array(repeating: UInt8(ascii: "q"), count: 10_000)).count
        }
        produced += decoder.finish().count
        #expect(produced == 400_000)
        var decoderTwo = try #require(IMAPTransferDecoder(encoding: "quoted-printable", normalizesLineEndings: false))
        #expect(decoderTwo.decode(Array(repeating: UInt8(ascii: "q"), count: IMAPTransferDecoder.maxPendingLine + 1)).count
                == IMAPTransferDecoder.maxPendingLine + 1)
    }
}
