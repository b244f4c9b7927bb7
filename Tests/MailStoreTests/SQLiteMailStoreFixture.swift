// The SQLite backend under test: a fresh temporary directory per test.
import Foundation
import Logging
@testable import MailStore

final class SQLiteMailStoreFixture: MailStoreFixture {
    let directory: URL
    let sqliteStore: SQLiteMailStore
    var store: any MailStore { sqliteStore }

    init(configuration: SQLiteMailStore.Configuration = .init()) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("mailstore-tests-\(UUID().uuidString)")
        sqliteStore = try SQLiteMailStore(directory: directory, logger: Logger(label: "test.mailstore"),
                                          configuration: configuration)
    }

    /// Runs `body` on a fresh store with the shared behaviour helpers and removes the store
    /// afterwards, whether `body` failed or not: what every SQLite-specific suite starts with.
    static func run(_ configuration: SQLiteMailStore.Configuration = .init(),
                    _ body: (SQLiteMailStoreFixture, MailStoreBehaviour) async throws -> Void) async throws {
        let fixture = try SQLiteMailStoreFixture(configuration: configuration)
        do {
            try await body(fixture, MailStoreBehaviour(fixture: fixture))
        } catch {
            await fixture.tearDown()
            throw error
        }
        await fixture.tearDown()
    }

    func reopen() async throws -> any MailStore {
        try SQLiteMailStore(directory: directory, logger: Logger(label: "test.mailstore.second"))
    }

    func tearDown() async {
        try? sqliteStore.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Files under blobs/, ignoring directories.
    func blobFiles() -> [URL] {
        let root = directory.appendingPathComponent("blobs")
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            return []
        }
        return enumerator.compactMap { $0 as? URL }.filter {
            (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
        }
    }
}
