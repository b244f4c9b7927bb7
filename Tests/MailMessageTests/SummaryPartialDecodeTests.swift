import Foundation
import Testing
@testable import MailMessage

/// `decodeSearchText` and `decodeHeaderLength` are SEARCH's and FETCH's shortcuts: they must give
/// exactly what a whole decode gives for every stored form, and `decodeSearchText`, which steps
/// over everything before the search text, must refuse exactly the rows a whole decode refuses.
@Suite struct SummaryPartialDecodeTests {
    @Test func binaryRowsGiveTheWholeDecodesSearchTextAndHeaderLength() throws {
        for (index, message) in SummaryCorpus.all.enumerated() {
            let data = MessageParser.parse(message).summary.encoded()
            let whole = try MessageSummary.decode(data)
            #expect(try MessageSummary.decodeSearchText(data) == whole.search, "message \(index)")
            #expect(try MessageSummary.decodeHeaderLength(data) == whole.headerLength, "message \(index)")
        }
    }

    @Test func versionTwoRowsHaveNoReferences() throws {
        let summary = MessageParser.parse(SummaryCorpus.richMessage).summary
        let bytes = try #require(summary.binaryEncoded())
        // A version 2 row is the version 3 row without the trailing References string.
        var version2 = Array(bytes.dropLast(summary.search.references.utf8.count + 1))
        version2[0] = 2
        let whole = try MessageSummary.decode(Data(version2))
        #expect(try MessageSummary.decodeSearchText(Data(version2)) == whole.search)
        #expect(whole.search.references.isEmpty)
    }

    @Test func versionOneJSONRowsDecode() throws {
        let row = Data(SummaryCorpus.richMessageVersion1Row.utf8)
        let whole = try MessageSummary.decode(row)
        #expect(try MessageSummary.decodeSearchText(row) == whole.search)
        #expect(try MessageSummary.decodeHeaderLength(row) == whole.headerLength)
    }

    /// Every truncation of a rich row, and a flipped byte at every position: the search-text
    /// shortcut throws exactly when the whole decode throws, and agrees with it otherwise.
    @Test func damagedRowsAreRefusedExactlyAsAWholeDecodeRefusesThem() throws {
        let data = MessageParser.parse(SummaryCorpus.richMessage).summary.encoded()
        var damaged: [Data] = (0..<data.count).map { data.prefix($0) }
        for position in 0..<data.count {
            for value: UInt8 in [0x00, 0x03, 0x7F, 0xFF] {
                var bytes = Array(data)
                bytes[position] = value
                damaged.append(Data(bytes))
            }
        }
        for row in damaged {
            let whole = try? MessageSummary.decode(row)
            let search = try? MessageSummary.decodeSearchText(row)
            #expect(search == whole?.search)
        }
    }

    @Test func unknownVersionsThrow() throws {
        var newer = Array(MessageParser.parse(SummaryCorpus.richMessage).summary.encoded())
        newer[0] = MessageSummary.binaryVersion + 1
        #expect(throws: (any Error).self) { try MessageSummary.decodeSearchText(Data(newer)) }
        #expect(throws: (any Error).self) { try MessageSummary.decodeHeaderLength(Data(newer)) }
        #expect(throws: (any Error).self) { try MessageSummary.decodeSearchText(Data()) }
        #expect(throws: (any Error).self) { try MessageSummary.decodeHeaderLength(Data()) }
    }
}
