// Connection and library settings chosen for speed (issue 8): the inline readers read without a
// memory map, the pool's readers keep theirs, and SQLite keeps no memory statistics (their global
// mutex was taken by every sqlite3_malloc).
import Foundation
import GRDB
@testable import MailStore
import Testing

@Suite struct SQLiteConnectionSettingsTests {
    @Test func inlineReadersDoNotMapTheDatabaseAndPoolReadersDo() async throws {
        try await SQLiteMailStoreFixture.run(SQLiteMailStore.Configuration()) { fixture, _ in
            let store = fixture.sqliteStore
            let inline = try store.inlineReaders.read { db in try Int.fetchOne(db, sql: "PRAGMA mmap_size") }
            #expect(inline == .some(0))
            let pooled = try await store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA mmap_size") }
            #expect(pooled == store.configuration.memoryMapSize)
            #expect(store.configuration.memoryMapSize > 0)
        }
    }

    /// With statistics on, sqlite3_memory_used counts every live allocation of the process's open
    /// connections (several hundred KiB here); off, SQLite stops counting and reports 0.
    @Test func sqliteKeepsNoMemoryStatistics() async throws {
        try await SQLiteMailStoreFixture.run(SQLiteMailStore.Configuration()) { fixture, behaviour in
            _ = try await behaviour.makeAccount("alice@example.test")
            #expect(SQLiteLibrarySettings.applied == 0)
            typealias MemoryUsed = @convention(c) () -> Int64
            let symbol = try #require(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sqlite3_memory_used"))
            #expect(unsafeBitCast(symbol, to: MemoryUsed.self)() == 0)
        }
    }
}
