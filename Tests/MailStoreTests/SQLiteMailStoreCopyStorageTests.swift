// SQLite-specific facts behind COPY/MOVE and partial reads: blob references counted exactly,
// files kept while any copy refers to them, and the pure helpers' edge cases.
import Foundation
import Testing
@testable import MailStore

@Suite struct SQLiteMailStoreCopyStorageTests {
    func withFixture(_ body: (SQLiteMailStoreFixture, MailStoreBehaviour) async throws -> Void) async throws {
        try await SQLiteMailStoreFixture.run(.init(), body)
    }

    /// Copies add references, moves carry theirs, and the file goes only with the last reference.
    @Test(arguments: [1_000, 100 * 1024])
    func copiesCountBlobReferences(bodySize: Int) async throws {
        try await withFixture { fixture, behaviour in
            let store = fixture.sqliteStore
            let account = try await behaviour.makeAccount("alice@example.test")
            let box = try await behaviour.inbox(account)
            let archive = try await behaviour.archive(account)
            let content = MailStoreBehaviour.randomContent(bytes: bodySize)
            let isFile = bodySize >= store.configuration.inlineBodyLimit
            let original = try await behaviour.appendOne(account, content)
            let copy = try await store.copyMessages(from: box.id, uids: [original.uid], to: archive.id)
            #expect(try await store.blobInfo(sha256: content.sha256)?.refCount == 2)
            #expect(try await store.blobCount() == 1)
            let moved = try await store.moveMessages(from: archive.id, uids: copy.destinationUIDs, to: box.id)
            #expect(try await store.blobInfo(sha256: content.sha256)?.refCount == 2)
            _ = try await store.expunge(mailboxID: box.id, uids: [original.uid])
            #expect(try await store.blobInfo(sha256: content.sha256)?.refCount == 1)
            #expect(fixture.blobFiles().count == (isFile ? 1 : 0))
            let movedUID = try #require(moved.destinationUIDs.first)
            let survivor = try #require(await store.message(mailboxID: box.id, uid: movedUID))
            #expect(try await store.messageBytes(survivor, range: 10..<20) == Array(content.bytes[10..<20]))
            _ = try await store.expunge(mailboxID: box.id, uids: moved.destinationUIDs)
            #expect(try await store.blobInfo(sha256: content.sha256) == nil)
            #expect(fixture.blobFiles().isEmpty)
        }
    }

    /// A partial read of a file body whose file vanished is an error, as a full read is.
    @Test func rangeOfMissingBlobFileIsAnError() async throws {
        try await withFixture { fixture, behaviour in
            let account = try await behaviour.makeAccount("alice@example.test")
            let appended = try await behaviour.appendOne(account, MailStoreBehaviour.randomContent(bytes: 100 * 1024),
                                                         prefix: Array("X-P: 1\r\n".utf8))
            for file in fixture.blobFiles() { try FileManager.default.removeItem(at: file) }
            let stored = try #require(await fixture.store.message(mailboxID: appended.mailboxID, uid: appended.uid))
            await #expect(throws: StoreError.self) { try await fixture.store.messageBytes(stored, range: 0..<20) }
            // The prefix alone needs no file.
            #expect(try await fixture.store.messageBytes(stored, range: 0..<3) == Array("X-P".utf8))
        }
    }

    @Test(arguments: [
        ([], []),
        ([5], [5...5]),
        ([3, 1, 2, 2, 7, 9, 8, 20], [1...3, 7...9, 20...20]),
        ([UInt32.max, 0, UInt32.max - 1], [0...0, (UInt32.max - 1)...UInt32.max]),
        // Already ascending (a FETCH batch): taken as it is.
        ([1, 2, 3, 7, 8, 9, 20], [1...3, 7...9, 20...20]),
        ([0, 1, UInt32.max - 1, UInt32.max], [0...1, (UInt32.max - 1)...UInt32.max]),
        ([4, 4, 5], [4...5]),
    ] as [([UInt32], [ClosedRange<UInt32>])])
    func uidRuns(uids: [UInt32], expected: [ClosedRange<UInt32>]) {
        #expect(UIDRangeQuery.ranges(uids) == expected)
    }

    @Test(arguments: [
        // (requested, prefix, content) → (prefix part, content part)
        (0..<100, 10, 50, 0..<10, 0..<50),
        (5..<15, 10, 50, 5..<10, 0..<5),
        (10..<20, 10, 50, 10..<10, 0..<10),
        (-5..<3, 10, 50, 0..<3, 0..<0),
        (70..<80, 10, 50, 10..<10, 50..<50),
        (55..<80, 10, 50, 10..<10, 45..<50),
        (3..<Int.max, 0, 5, 0..<0, 3..<5),
    ] as [(Range<Int>, Int, Int, Range<Int>, Range<Int>)])
    func rangePlans(requested: Range<Int>, prefix: Int, content: Int, prefixPart: Range<Int>, contentPart: Range<Int>) {
        let plan = RangePlan(requested: requested, prefixLength: prefix, contentSize: content)
        #expect(plan.prefixPart == prefixPart && plan.contentPart == contentPart)
    }
}
