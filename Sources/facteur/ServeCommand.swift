import ArgumentParser
import FacteurServer
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run every configured listener in the foreground (SIGTERM/SIGINT stop it gracefully).")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        tuneMalloc()
        bootstrapLogging(defaultLevel: .info)
        let configuration: FacteurConfiguration
        do {
            configuration = try options.load()
        } catch {
            FileHandle.standardError.write(Data("facteur: \(error)\n".utf8))
            throw ExitCode(78)   // EX_CONFIG
        }
        let metrics = FacteurMetrics.bootstrap()
        try await FacteurApplication(configuration: configuration, metrics: metrics,
                                     logger: Logger(label: "facteur")).run()
    }

    /// glibc's malloc keeps its default arenas (one per thread, up to 8 per core): capping them at
    /// one per core (sessions 4–6) saved ~1.3 KiB per idle IMAP connection but made threads queue
    /// on the arena locks — under imap-mix ~7 futex calls per operation came from malloc/free,
    /// and the default arenas cost ~15 % less server CPU per operation (Benchmarks/RESULTS.md,
    /// session 7). MALLOC_ARENA_MAX in the environment still caps them.
    ///
    /// Fixed here: the size from which an allocation gets its own mapping (4 MiB) and the free
    /// space at a heap's top that is given back (8 MiB). Left dynamic, glibc raises the first to
    /// the largest block ever freed: after the first login, Argon2's 19 MiB of working memory came
    /// from an arena and stayed resident there when freed, in every arena a hashing thread used
    /// (+19 MiB each). Now it is mapped and unmapped per hash; smaller buffers (FETCH and POP3
    /// pieces of 256 KiB) keep coming from the arenas as before.
    private func tuneMalloc() {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        // mallopt(3) is not in Swift's Glibc module; the constants are from <malloc.h>.
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
        _ = mallopt(-3, 4 << 20)   // M_MMAP_THRESHOLD
        _ = mallopt(-1, 8 << 20)   // M_TRIM_THRESHOLD
        #endif
    }
}
