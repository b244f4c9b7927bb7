import Foundation
import Testing
@testable import MailMessage

/// `StoredSearchTextLayout` is how SEARCH reads one field in place: its ranges must hold exactly
/// the strings a whole decode gives, and it must refuse exactly the rows a whole decode refuses.
@Suite struct StoredSearchTextLayoutTests {
    @Test func everyFieldIsTheWholeDecodesString() throws {
        for (index, message) in SummaryCorpus.all.enumerated() {
            let data = MessageParser.parse(message).summary.encoded()
            let whole = try MessageSummary.decode(data).search
            let layout = try #require(try StoredSearchTextLayout.locate(in: data), "message \(index)")
            #expect(layout.string(of: .subject, in: data) == whole.subject, "message \(index)")
            #expect(layout.string(of: .from, in: data) == whole.from, "message \(index)")
            #expect(layout.string(of: .to, in: data) == whole.to, "message \(index)")
            #expect(layout.string(of: .cc, in: data) == whole.cc, "message \(index)")
            #expect(layout.string(of: .bcc, in: data) == whole.bcc, "message \(index)")
            #expect(layout.string(of: .messageID, in: data) == whole.messageID, "message \(index)")
            #expect(layout.string(of: .references, in: data) == whole.references, "message \(index)")
            #expect(layout.sentDate == whole.sentDate, "message \(index)")
            #expect(layout.searchText(in: data) == whole, "message \(index)")
        }
    }

    @Test func aFieldIsItsOwnOctetsOnly() throws {
        let message = Array("From: Ann <ann@example.org>\r\nTo: Ben <ben@example.org>\r\nSubject: Hi\r\n\r\nbody\r\n".utf8)
        let data = MessageParser.parse(message).summary.encoded()
        let layout = try #require(try StoredSearchTextLayout.locate(in: data))
        let from = layout.withBytes(of: .from, in: data) { Array($0) }
        #expect(from == Array("Ann <ann@example.org>".utf8))
        #expect(layout.withBytes(of: .to, in: data) { Array($0) } == Array("Ben <ben@example.org>".utf8))
        #expect(layout.withBytes(of: .cc, in: data) { $0.count } == 0)
    }

    @Test func jsonRowsHaveNoLayout() throws {
        #expect(try StoredSearchTextLayout.locate(in: Data(SummaryCorpus.richMessageVersion1Row.utf8)) == nil)
        #expect(throws: (any Error).self) { try StoredSearchTextLayout.locate(in: Data()) }
    }

    @Test func versionTwoRowsHaveEmptyReferences() throws {
        let summary = MessageParser.parse(SummaryCorpus.richMessage).summary
        let bytes = try #require(summary.binaryEncoded())
        var version2 = Array(bytes.dropLast(summary.search.references.utf8.count + 1))
        version2[0] = 2
        let layout = try #require(try StoredSearchTextLayout.locate(in: Data(version2)))
        #expect(layout.references.isEmpty)
        #expect(layout.searchText(in: Data(version2)) == (try MessageSummary.decode(Data(version2))).search)
    }

    /// Every truncation and a flipped byte at every position: located exactly when a whole decode
    /// succeeds, and then giving its search text.
    @Test func damagedRowsAreRefusedExactlyAsAWholeDecodeRefusesThem() throws {
        let data = MessageParser.parse(SummaryCorpus.richMessage).summary.encoded()
        var damaged: [Data] = (0..<data.count).map { data.prefix($0) }
        for position in 0..<data.count {
            for value: UInt8 in [0x00, 0x01, 0x7F, 0x80, 0xFF] {
                var bytes = Array(data)
                bytes[position] = value
                damaged.append(Data(bytes))
            }
        }
        for row in damaged {
            let whole = try? MessageSummary.decode(row)
            let layout = try? StoredSearchTextLayout.locate(in: row)
            #expect((layout == nil) == (whole == nil))
            if let layout, let whole { #expect(layout.searchText(in: row) == whole.search) }
        }
    }

    @Test func aShorterRowIsClampedNotOverread() throws {
        let data = MessageParser.parse(SummaryCorpus.richMessage).summary.encoded()
        let layout = try #require(try StoredSearchTextLayout.locate(in: data))
        let short = data.prefix(layout.from.lowerBound + 1)
        #expect(layout.withBytes(of: .from, in: short) { $0.count } == 1)
        #expect(layout.withBytes(of: .references, in: short) { $0.count } == 0)
    }
}
