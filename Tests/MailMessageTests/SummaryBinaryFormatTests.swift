import Foundation
import Testing
@testable import MailMessage

@Suite("MessageSummary binary stored form (formats 2 and 3)")
struct SummaryBinaryFormatTests {
    @Test func everyCorpusMessageRoundTrips() throws {
        for (index, message) in SummaryCorpus.all.enumerated() {
            let summary = MessageParser.parse(message).summary
            let data = summary.encoded()
            #expect(data.first == MessageSummary.binaryVersion, "message \(index) was not stored in the binary form")
            #expect(try MessageSummary.decode(data) == summary, "message \(index)")
            #expect(try MessageSummary.decode(bytes: Array(data)) == summary, "message \(index)")
        }
    }

    @Test func theParsersDeepestTreesStayBinary() throws {
        for multipart in [true, false] {
            let summary = MessageParser.parse(SummaryCorpus.deeplyNested(levels: 80, multipart: multipart)).summary
            #expect(Self.depth(of: summary.bodyStructure) == SummaryReader.maximumTreeDepth)
            #expect(summary.encoded().first == MessageSummary.binaryVersion)
        }
    }

    @Test func handBuiltEdgeValuesRoundTrip() throws {
        for summary in Self.edgeSummaries {
            let data = summary.encoded()
            #expect(data.first == MessageSummary.binaryVersion)
            #expect(try MessageSummary.decode(data) == summary)
        }
    }

    @Test func versionOneJSONRowsStillDecode() throws {
        let expected = MessageParser.parse(SummaryCorpus.richMessage).summary
        let row = Data(SummaryCorpus.richMessageVersion1Row.utf8)
        #expect(try MessageSummary.decode(row) == expected)
        #expect(try MessageSummary.decode(bytes: Array(row)) == expected)
        // The JSON path that wrote version 1 rows, for every corpus message.
        for message in SummaryCorpus.all {
            let summary = MessageParser.parse(message).summary
            let json = String(decoding: summary.jsonEncoded(), as: UTF8.self)
                .replacingOccurrences(of: "\"v\":\(MessageSummary.formatVersion)", with: "\"v\":1")
            #expect(json.hasPrefix("{") && json.contains("\"v\":1"))
            #expect(try MessageSummary.decode(Data(json.utf8)) == summary)
        }
    }

    @Test func treesDeeperThanTheReaderAcceptsAreStoredAsJSON() throws {
        let summary = Self.summary(body: Self.chain(depth: SummaryReader.maximumTreeDepth + 1))
        let data = summary.encoded()
        #expect(data.first == UInt8(ascii: "{"))
        #expect(try MessageSummary.decode(data) == summary)
        // At the limit itself the binary form is used.
        let atLimit = Self.summary(body: Self.chain(depth: SummaryReader.maximumTreeDepth))
        #expect(atLimit.encoded().first == MessageSummary.binaryVersion)
        #expect(try MessageSummary.decode(atLimit.encoded()) == atLimit)
    }

    @Test func binaryIsSmallerThanJSON() {
        for message in SummaryCorpus.fixtures {
            let summary = MessageParser.parse(message).summary
            #expect(summary.encoded().count < summary.jsonEncoded().count)
        }
    }

    @Test("unreadable first bytes", arguments: [
        [], [0], [1], [3], [0xFF, 0x00], [0x7B], Array("{}".utf8), [2],
    ] as [[UInt8]])
    func unreadableInputThrows(bytes: [UInt8]) {
        #expect(throws: (any Error).self) { try MessageSummary.decode(Data(bytes)) }
        #expect(throws: (any Error).self) { try MessageSummary.decode(bytes: bytes) }
    }

    @Test func newerFormatIsRefused() throws {
        var bytes = Array(MessageParser.parse(MIMETreeTests.simple).summary.encoded())
        bytes[0] = MessageSummary.binaryVersion + 1
        #expect(throws: SummaryDecodingError.malformed("summary format \(MessageSummary.binaryVersion + 1) is newer than this build")) {
            try MessageSummary.decode(bytes: bytes)
        }
    }

    // MARK: - Helpers

    static func depth(of node: BodyStructure) -> Int {
        switch node.content {
        case .single: return 0
        case .multipart(let parts): return 1 + (parts.map(depth).max() ?? 0)
        case .message(let message): return 1 + depth(of: message.body)
        }
    }

    /// A tree whose deepest node is at `depth`, alternating multipart and message levels.
    static func chain(depth: Int) -> BodyStructure {
        var node = BodyStructure(contentType: .default, headerRange: 0..<0, bodyRange: 0..<1)
        for level in 0..<depth {
            if level.isMultiple(of: 2) {
                node = BodyStructure(contentType: ContentType(type: "multipart", subtype: "mixed"),
                                     headerRange: 0..<0, bodyRange: 0..<1, content: .multipart([node]))
            } else {
                node = BodyStructure(contentType: ContentType(type: "message", subtype: "rfc822"),
                                     headerRange: 0..<0, bodyRange: 0..<1,
                                     content: .message(EncapsulatedMessage(envelope: Envelope(subject: "\(level)"), body: node)))
            }
        }
        return node
    }

    static func summary(body: BodyStructure, envelope: Envelope = Envelope(), search: SearchText = SearchText(),
                        preview: String? = nil) -> MessageSummary {
        MessageSummary(envelope: envelope, bodyStructure: body, headerLength: body.headerRange.count,
                       totalSize: body.bodyRange.upperBound, preview: preview, search: search)
    }

    /// Values the parser rarely or never produces, but which the type allows and must keep exactly.
    static var edgeSummaries: [MessageSummary] {
        let mailbox = Address(displayName: "", route: "@r.example", localPart: "", domain: "")
        var senderEmpty = Envelope(from: [mailbox])
        senderEmpty.sender = []                              // differs from the RFC default
        senderEmpty.replyTo = [.groupStart(""), .groupEnd]
        let languageEmpty = BodyStructure(
            contentType: ContentType(type: "Text", subtype: "PLAIN", parameters: [
                MIMEParameter(name: "z", value: ""), MIMEParameter(name: "a", value: "日本"),
                MIMEParameter(name: "z", value: "dup")]),
            id: "", description: nil, encoding: "", md5: "", disposition: ContentDisposition(type: "x-odd"),
            language: [], location: "", headerRange: -5..<(-1), bodyRange: Int.min..<Int.max,
            lineCount: -7, content: .multipart([]))
        var mixedCase = languageEmpty
        mixedCase.contentType.type = "MiXed"                 // not lower-cased again on decode
        mixedCase.disposition?.type = "ATTACHMENT"
        mixedCase.language = nil
        mixedCase.headerRange = Int.max..<Int.max
        return [
            summary(body: languageEmpty, envelope: senderEmpty),
            MessageSummary(envelope: Envelope(date: "", subject: ""), bodyStructure: mixedCase, headerLength: -1,
                           totalSize: Int.max, preview: "",
                           search: SearchText(subject: "\u{0}", sentDate: MessageDate(date: Date(timeIntervalSinceReferenceDate: 0.25),
                                                                                      timeZoneOffset: Int.min))),
            summary(body: chain(depth: 3), search: SearchText(sentDate: MessageDate(date: Date(timeIntervalSinceReferenceDate: -0.0),
                                                                                    timeZoneOffset: -50_400))),
            summary(body: chain(depth: 1), search: SearchText(sentDate: MessageDate(date: Date(timeIntervalSince1970: -1e300),
                                                                                    timeZoneOffset: 0))),
            summary(body: chain(depth: 0), preview: String(repeating: "é", count: 200)),
        ]
    }
}
