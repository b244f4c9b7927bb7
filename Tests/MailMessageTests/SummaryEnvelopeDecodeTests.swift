import Foundation
import Testing
@testable import MailMessage

/// `MessageSummary.decodeEnvelope` is the FETCH ENVELOPE shortcut: it must give exactly the envelope
/// a whole decode gives, for every stored form (binary 3 and 2, JSON 1).
@Suite struct SummaryEnvelopeDecodeTests {
    @Test func binaryRowsGiveTheWholeDecodesEnvelope() throws {
        for (index, message) in SummaryCorpus.all.enumerated() {
            let data = MessageParser.parse(message).summary.encoded()
            #expect(try MessageSummary.decodeEnvelope(data) == (try MessageSummary.decode(data)).envelope, "message \(index)")
        }
    }

    @Test func versionTwoRowsDecode() throws {
        let summary = MessageParser.parse(SummaryCorpus.richMessage).summary
        var bytes = try #require(summary.binaryEncoded())
        bytes[0] = 2   // the same layout up to the envelope
        #expect(try MessageSummary.decodeEnvelope(Data(bytes)) == summary.envelope)
    }

    @Test func versionOneJSONRowsDecode() throws {
        let row = Data(SummaryCorpus.richMessageVersion1Row.utf8)
        #expect(try MessageSummary.decodeEnvelope(row) == (try MessageSummary.decode(row)).envelope)
    }

    @Test func truncatedEnvelopesAndUnknownVersionsThrow() throws {
        let data = MessageParser.parse(SummaryCorpus.richMessage).summary.encoded()
        #expect(throws: (any Error).self) { try MessageSummary.decodeEnvelope(Data()) }
        #expect(throws: (any Error).self) { try MessageSummary.decodeEnvelope(data.prefix(12)) }
        var newer = Array(data)
        newer[0] = MessageSummary.binaryVersion + 1
        #expect(throws: (any Error).self) { try MessageSummary.decodeEnvelope(Data(newer)) }
    }
}
