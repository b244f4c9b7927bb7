// `messageBytes(_ requests:)` reads every part kept in blob files in one trip: the same octets as
// one request at a time, in the order asked, whatever mix of inline and file-kept messages.
import Foundation
@testable import MailStore
import Testing

@Suite struct SQLiteRangeBatchTests {
    @Test func batchesWithSeveralFilePartsAnswerLikeSingleReads() async throws {
        var configuration = SQLiteMailStore.Configuration()
        configuration.inlineBodyLimit = 1_024
        try await SQLiteMailStoreFixture.run(configuration) { fixture, behaviour in
            let store = fixture.sqliteStore
            let account = try await behaviour.makeAccount("alice@example.test")
            // Messages 1, 3 and 4 are kept in files, 2 inline.
            let lines = [200, 1, 90, 400]
            for (index, count) in lines.enumerated() {
                let body = "Subject: m\(index)\r\n\r\n" + String(repeating: "line \(index) of text\r\n", count: count)
                _ = try await behaviour.appendOne(account, MailStoreBehaviour.content(body),
                                                  prefix: Array("Received: by test\r\n".utf8))
            }
            let box = try await behaviour.inbox(account)
            let messages = try await store.messages(mailboxID: box.id, uids: [1, 2, 3, 4])
            #expect(fixture.blobFiles().count == 3)
            // Headers (prefix + file start), pieces deep in the files, a repeat, an empty range.
            let ranges: [Range<Int>] = [0..<60, 5..<2_000, 1_500..<1_600, 0..<60, 30..<30, 100..<10_000]
            var requests: [MessageRangeRequest] = []
            for (index, range) in ranges.enumerated() {
                requests.append(MessageRangeRequest(message: messages[index % messages.count], range: range))
            }
            var expected: [[UInt8]] = []
            for request in requests { expected.append(try await store.messageBytes(request.message, range: request.range)) }
            #expect(try await store.messageBytes(requests) == expected)
            #expect(expected[0].starts(with: Array("Received: by test\r\nSubject: m0".utf8)))
        }
    }
}
