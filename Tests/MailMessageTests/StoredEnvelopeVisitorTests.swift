import Foundation
import Testing
@testable import MailMessage

/// `visitStoredEnvelope` hands over the stored envelope field by field: rebuilt from what it
/// visits, the envelope is the one `decodeEnvelope` reads, and it throws where that throws.
@Suite struct StoredEnvelopeVisitorTests {
    /// Rebuilds an `Envelope` from the visits, as `SummaryReader.envelope()` would.
    struct Rebuilder: StoredEnvelopeVisitor {
        var envelope = Envelope()
        var lists: [StoredEnvelopeAddressList] = []
        var current: [Address] = []
        var sameAsFrom = false

        static func text(_ bytes: UnsafeBufferPointer<UInt8>?) -> String? {
            bytes.map { String(decoding: $0, as: UTF8.self) }
        }

        mutating func visitField(_ field: StoredEnvelopeField, _ value: UnsafeBufferPointer<UInt8>?) {
            switch field {
            case .date: envelope.date = Self.text(value)
            case .subject: envelope.subject = Self.text(value)
            case .inReplyTo: envelope.inReplyTo = Self.text(value)
            case .messageID: envelope.messageID = Self.text(value)
            }
        }

        mutating func beginAddressList(_ list: StoredEnvelopeAddressList, count: Int, sameAsFrom: Bool) {
            lists.append(list)
            current = []
            self.sameAsFrom = sameAsFrom
            #expect(!sameAsFrom || count == 0)
        }

        mutating func visitAddress(kind: Address.Kind, displayName: UnsafeBufferPointer<UInt8>?,
                                   route: UnsafeBufferPointer<UInt8>?, localPart: UnsafeBufferPointer<UInt8>?,
                                   domain: UnsafeBufferPointer<UInt8>?) {
            current.append(Address(kind: kind, displayName: Self.text(displayName), route: Self.text(route),
                                   localPart: Self.text(localPart), domain: Self.text(domain)))
        }

        mutating func endAddressList(_ list: StoredEnvelopeAddressList) {
            let addresses = sameAsFrom ? envelope.from : current
            switch list {
            case .from: envelope.from = addresses
            case .sender: envelope.sender = addresses
            case .replyTo: envelope.replyTo = addresses
            case .to: envelope.to = addresses
            case .cc: envelope.cc = addresses
            case .bcc: envelope.bcc = addresses
            }
        }
    }

    static func visit(_ data: Data) throws -> Rebuilder? {
        var rebuilder = Rebuilder()
        let visited = try Array(data).withUnsafeBufferPointer { try MessageSummary.visitStoredEnvelope($0, &rebuilder) }
        return visited ? rebuilder : nil
    }

    @Test func visitsGiveTheDecodedEnvelopeInOrder() throws {
        for (index, message) in SummaryCorpus.all.enumerated() {
            let data = MessageParser.parse(message).summary.encoded()
            let rebuilt = try #require(try Self.visit(data), "message \(index)")
            #expect(rebuilt.envelope == (try MessageSummary.decodeEnvelope(data)), "message \(index)")
            #expect(rebuilt.lists == [.from, .sender, .replyTo, .to, .cc, .bcc])
        }
    }

    @Test func versionTwoRowsAreVisitedAndJSONRowsAreNot() throws {
        let summary = MessageParser.parse(SummaryCorpus.richMessage).summary
        var bytes = try #require(summary.binaryEncoded())
        bytes[0] = 2
        #expect(try Self.visit(Data(bytes))?.envelope == summary.envelope)
        #expect(try Self.visit(Data(SummaryCorpus.richMessageVersion1Row.utf8)) == nil)
    }

    @Test func everyTruncationThrowsWhereDecodeEnvelopeThrows() throws {
        let data = MessageParser.parse(SummaryCorpus.richMessage).summary.encoded()
        for length in 0..<data.count {
            let prefix = data.prefix(length)
            let decodeThrows = (try? MessageSummary.decodeEnvelope(prefix)) == nil
            let visitThrows = (try? Self.visit(prefix)) == nil
            #expect(decodeThrows == visitThrows, "prefix of \(length) octets")
        }
        var newer = Array(data)
        newer[0] = MessageSummary.binaryVersion + 1
        #expect(throws: (any Error).self) { try Self.visit(Data(newer)) }
    }
}
