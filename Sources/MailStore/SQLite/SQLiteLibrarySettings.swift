// Process-wide SQLite settings, applied once before the first connection opens (issue 8).
//
// Why: by default SQLite keeps memory-use statistics (SQLITE_CONFIG_MEMSTATUS), and to keep them
// every sqlite3_malloc/sqlite3_free takes one global mutex shared by all connections. Under
// imap-mix that mutex was ~2 futex calls per IMAP operation (perf, DWARF call graphs of futex
// system calls: sqlite3Malloc → pthread_mutex_unlock → futex_wake) with the readers and the writer
// on different threads. Facteur never reads those statistics (sqlite3_memory_used and friends).
//
// sqlite3_config is variadic, which Swift does not import; like mallopt in ServeCommand it is
// reached through dlsym with the two-int prototype (the x86-64 and arm64 Linux calling conventions
// pass these two ints identically to a variadic callee). It must run before sqlite3_initialize;
// called later it answers SQLITE_MISUSE and changes nothing, which is only slower, never wrong.
import Foundation

enum SQLiteLibrarySettings {
    /// SQLITE_CONFIG_MEMSTATUS in sqlite3.h.
    private static let configMemoryStatus: Int32 = 9

    /// The result code of sqlite3_config, nil when the symbol was not found. Evaluated once, by
    /// the first store to open (a static let is initialised once, thread-safely).
    static let applied: Int32? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sqlite3_config") else { return nil }
        typealias Config = @convention(c) (Int32, Int32) -> Int32
        return unsafeBitCast(symbol, to: Config.self)(configMemoryStatus, 0)
        #else
        return nil
        #endif
    }()
}
