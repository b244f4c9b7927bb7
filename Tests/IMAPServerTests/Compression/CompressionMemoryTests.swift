// What a compressed connection costs in memory (issue 8 counts per-connection memory): zlib's
// deflate and inflate state after some traffic, measured on the C heap (glibc mallinfo2).

#if os(Linux)
import CZlib
import NIOCore
import Testing
@testable import IMAPServer

@Suite struct CompressionMemoryTests {
    // The heap figure is the whole process's, and other suites allocate and free in parallel:
    // the median of five measurements is what one connection costs.
    @Test func aCompressedConnectionCostsUnder100KB() throws {
        var figures: [Int] = []
        for _ in 0..<5 { figures.append(try Self.measure()) }
        let perConnection = figures.sorted()[2]
        print("zlib state per compressed connection: \(perConnection) octets (\(figures))")
        #expect(perConnection < 100_000)
        #expect(perConnection > 40_000)   // the measurement sees the deflate state at all
    }

    private static func measure() throws -> Int {
        let count = 50
        var keep: [(RawDeflater, RawInflater)] = []
        keep.reserveCapacity(count)
        let before = czlib_heap_in_use()
        for _ in 0..<count {
            let deflater = try RawDeflater()
            let inflater = try RawInflater()
            var wire = ByteBuffer()
            try deflater.deflate(ByteBuffer(string: "* 1 FETCH (FLAGS (\\Seen))\r\na OK done\r\n"), flush: true, into: &wire)
            _ = try inflater.inflate(&wire, limit: 4096, allocator: ByteBufferAllocator())   // allocates its window
            keep.append((deflater, inflater))
        }
        let perConnection = (czlib_heap_in_use() - before) / count
        withExtendedLifetime(keep) {}
        return perConnection
    }
}
#endif
