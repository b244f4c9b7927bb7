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
        limitMallocArenas()
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

    /// glibc gives every thread that allocates its own arena, up to 8 per core; sessions hop
    /// between the concurrency pool's threads, so each arena keeps a share of every connection's
    /// pages. One arena per core halved the memory of 1,000 idle IMAP connections (40 → 19 KiB
    /// each, Benchmarks/RESULTS.md) at no measurable cost. MALLOC_ARENA_MAX in the environment wins.
    ///
    /// Also fixed: the size from which an allocation gets its own mapping (4 MiB) and the free
    /// space at a heap's top that is given back (8 MiB). Left dynamic, glibc raises the first to
    /// the largest block ever freed: after the first login, Argon2's 19 MiB of working memory came
    /// from an arena and stayed resident there when freed, in every arena a hashing thread used
    /// (+19 MiB each). Now it is mapped and unmapped per hash; smaller buffers (FETCH and POP3
    /// pieces of 256 KiB) keep coming from the arenas as before.
    private func limitMallocArenas() {
        #if canImport(Glibc)
        guard ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil,
              let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        // mallopt(3) is not in Swift's Glibc module; M_ARENA_MAX is -8 in <malloc.h>.
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
        _ = mallopt(-8, Int32(max(2, ProcessInfo.processInfo.activeProcessorCount)))
        _ = mallopt(-3, 4 << 20)   // M_MMAP_THRESHOLD
        _ = mallopt(-1, 8 << 20)   // M_TRIM_THRESHOLD
        #endif
    }
}
