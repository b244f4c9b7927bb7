// SQLite-specific storage facts: pragmas, content addressing (one row, one file), blob lifecycle.
import Foundation
import GRDB
import Logging
import Testing
@testable import MailStore

@Suite struct SQLiteMailStoreStorageTests {
    func withFixture(_ configuration: SQLiteMailStore.Configuration = .init(),
                     _ body: (SQLiteMailStoreFixture, MailStoreBehaviour) async throws -> Void) async throws {
        try await SQLiteMailStoreFixture.run(configuration, body)
    }

    @Test func databaseIsDurableWALWithForeignKeys() async throws {
        try await withFixture { fixture, _ in
            let pragmas = try await fixture.sqliteStore.pool.write { db in
                (try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                 try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                 try Int.fetchOne(db, sql: "PRAGMA foreign_keys"))
            }
            #expect(pragmas.0 == "wal")
            #expect(pragmas.1 == 2)      // FULL
            #expect(pragmas.2 == 1)
            #expect(FileManager.default.fileExists(atPath: fixture.directory.appendingPathComponent("facteur.sqlite").path))
        }
    }

    /// A message to a 200-person list is one blob row with 200 references.
    @Test(arguments: [1_000, 100 * 1024])
    func listDeliveryStoresTheBodyOnce(bodySize: Int) async throws {
        try await withFixture { fixture, behaviour in
            let store = fixture.sqliteStore
            try await store.addDomain("example.test")
            var accounts: [Account] = []
            for index in 0..<200 {
                accounts.append(try await store.addAccount(address: "u\(index)@example.test", passwordHash: "h", quotaBytes: nil))
            }
            let content = MailStoreBehaviour.randomContent(bytes: bodySize)
            let results = try await store.append(accounts.map {
                AppendRequest(accountID: $0.id, prefix: Array("Delivered-To: \($0.address)\r\n".utf8), content: content)
            }).map { try $0.get() }
            #expect(results.count == 200)
            let isLarge = bodySize >= store.configuration.inlineBodyLimit
            let info = try #require(await store.blobInfo(sha256: content.sha256))
            #expect(info.refCount == 200)
            #expect(info.inline == !isLarge)
            #expect(try await store.blobCount() == 1)
            #expect(fixture.blobFiles().count == (isLarge ? 1 : 0))
            if isLarge {
                let path = try #require(fixture.blobFiles().first).path
                #expect(path.hasSuffix("/blobs/\(content.sha256.prefix(2))/\(content.sha256.dropFirst(2).prefix(2))/\(content.sha256)"))
            }

            // Releasing references one mailbox at a time; the last one removes row and file.
            for appended in results.dropLast() {
                _ = try await store.expunge(mailboxID: appended.mailboxID, uids: [appended.uid])
            }
            #expect(try await store.blobInfo(sha256: content.sha256)?.refCount == 1)
            #expect(fixture.blobFiles().count == (isLarge ? 1 : 0))
            let last = try #require(results.last)
            _ = try await store.expunge(mailboxID: last.mailboxID, uids: [last.uid])
            #expect(try await store.blobInfo(sha256: content.sha256) == nil)
            #expect(try await store.blobCount() == 0)
            #expect(fixture.blobFiles().isEmpty)
            _ = behaviour
        }
    }

    /// Later copies of a body in one transaction only count a reference (issue 8); a copy refused
    /// before it stored anything must not make a later one skip writing the body.
    @Test(arguments: [1_000, 100 * 1024])
    func sharedBodyAfterARefusedCopyIsStoredWhole(bodySize: Int) async throws {
        try await withFixture { fixture, _ in
            let store = fixture.sqliteStore
            try await store.addDomain("example.test")
            let full = try await store.addAccount(address: "full@example.test", passwordHash: "h", quotaBytes: 10)
            let first = try await store.addAccount(address: "a@example.test", passwordHash: "h", quotaBytes: nil)
            let second = try await store.addAccount(address: "b@example.test", passwordHash: "h", quotaBytes: nil)
            let content = MailStoreBehaviour.randomContent(bytes: bodySize)
            let results = try await store.append([full, first, second].map {
                AppendRequest(accountID: $0.id, prefix: [], content: content)
            })
            guard case .failure(.overQuota) = results[0] else {
                Issue.record("expected the first copy over quota, got \(results[0])")
                return
            }
            let stored = try results.dropFirst().map { try $0.get() }
            let info = try #require(await store.blobInfo(sha256: content.sha256))
            #expect(info.refCount == 2)
            #expect(info.inline == (bodySize < store.configuration.inlineBodyLimit))
            for appended in stored {
                let message = try #require(await store.message(mailboxID: appended.mailboxID, uid: appended.uid))
                #expect(try await store.messageBytes(message) == content.bytes)
            }
        }
    }

    @Test func removingAccountsAndMailboxesReleasesBlobs() async throws {
        try await withFixture { fixture, behaviour in
            let store = fixture.sqliteStore
            let alice = try await behaviour.makeAccount("alice@example.test")
            let bob = try await behaviour.makeAccount("bob@example.test")
            let large = MailStoreBehaviour.randomContent(bytes: 70 * 1024)
            let folder = try await store.createMailbox(accountID: alice.id, name: "Folder", specialUse: nil)
            _ = try await behaviour.appendOne(alice, large, mailbox: .id(folder.id))
            _ = try await behaviour.appendOne(alice, large)
            _ = try await behaviour.appendOne(bob, large)
            #expect(try await store.blobInfo(sha256: large.sha256)?.refCount == 3)
            try await store.deleteMailbox(accountID: alice.id, name: "Folder")
            #expect(try await store.blobInfo(sha256: large.sha256)?.refCount == 2)
            try await store.removeAccount(address: "alice@example.test")
            #expect(try await store.blobInfo(sha256: large.sha256)?.refCount == 1)
            #expect(fixture.blobFiles().count == 1)
            try await store.removeAccount(address: "bob@example.test")
            #expect(try await store.blobInfo(sha256: large.sha256) == nil)
            #expect(fixture.blobFiles().isEmpty)
        }
    }

    @Test func oversizedMessageIsRefusedBeforeAnyIO() async throws {
        var configuration = SQLiteMailStore.Configuration()
        configuration.maxMessageBytes = 1000
        try await withFixture(configuration) { fixture, behaviour in
            let account = try await behaviour.makeAccount("alice@example.test")
            let results = try await fixture.store.append([
                AppendRequest(accountID: account.id, content: MailStoreBehaviour.randomContent(bytes: 1001)),
                AppendRequest(accountID: account.id, prefix: [UInt8](repeating: 65, count: 10),
                              content: MailStoreBehaviour.randomContent(bytes: 995)),
                AppendRequest(accountID: account.id, content: MailStoreBehaviour.randomContent(bytes: 1000)),
            ])
            #expect(MailStoreBehaviour.failureKind(results[0]) == "messageTooLarge")
            #expect(MailStoreBehaviour.failureKind(results[1]) == "messageTooLarge")
            #expect(try results[2].get().uid == 1)
        }
    }

    /// A body file deleted behind the store's back is reported, not returned short.
    @Test func missingBlobFileIsAnErrorNotShortData() async throws {
        try await withFixture { fixture, behaviour in
            let account = try await behaviour.makeAccount("alice@example.test")
            let large = MailStoreBehaviour.randomContent(bytes: 100 * 1024)
            let appended = try await behaviour.appendOne(account, large)
            for file in fixture.blobFiles() { try FileManager.default.removeItem(at: file) }
            let stored = try #require(await fixture.store.message(mailboxID: appended.mailboxID, uid: appended.uid))
            await #expect(throws: StoreError.self) { try await fixture.store.messageBytes(stored) }
            // Appending the same body again restores the file.
            _ = try await behaviour.appendOne(account, large)
            #expect(try await fixture.store.messageBytes(stored) == large.bytes)
        }
    }

    @Test func backendErrorsNeverCarryPasswordHashes() async throws {
        try await withFixture { fixture, _ in
            try fixture.sqliteStore.close()
            do {
                try await fixture.store.addAccount(address: "a@example.test", passwordHash: "$secret$hash", quotaBytes: nil)
                Issue.record("a closed store accepted a write")
            } catch {
                #expect(!"\(error)".contains("secret"))
            }
        }
    }
}
