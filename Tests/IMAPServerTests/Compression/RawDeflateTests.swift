// The zlib wrappers on their own: wire format against bytes Python's zlib produced, round trips,
// bounded inflation and corrupt input.

import NIOCore
import Testing
@testable import IMAPServer

@Suite struct RawDeflateTests {
    /// `zlib.compressobj(6, zlib.DEFLATED, -15)`: "a1 NOOP\r\n" then "a2 NOOP\r\n", each followed by
    /// `flush(zlib.Z_SYNC_FLUSH)`, as Python's imaplib-with-compression clients send them.
    static let pythonFirst: [UInt8] = [74, 52, 84, 240, 243, 247, 15, 224, 229, 2, 0, 0, 0, 255, 255]
    static let pythonSecond: [UInt8] = [74, 52, 130, 50, 0, 0, 0, 0, 255, 255]

    @Test func inflatesWhatPythonsZlibSends() throws {
        let inflater = try RawInflater()
        var input = ByteBuffer(bytes: Self.pythonFirst)
        let first = try inflater.inflate(&input, limit: 1024, allocator: ByteBufferAllocator())
        #expect(String(buffer: first) == "a1 NOOP\r\n")
        #expect(input.readableBytes == 0)
        // The second message refers back to the first (the shared window).
        input = ByteBuffer(bytes: Self.pythonSecond)
        let second = try inflater.inflate(&input, limit: 1024, allocator: ByteBufferAllocator())
        #expect(String(buffer: second) == "a2 NOOP\r\n")
    }

    @Test func syncFlushEndsWithAnEmptyStoredBlock() throws {
        let deflater = try RawDeflater()
        var output = ByteBuffer()
        try deflater.deflate(ByteBuffer(string: "* OK hello\r\n"), flush: true, into: &output)
        #expect(Array(output.readableBytesView.suffix(4)) == [0, 0, 0xff, 0xff])
    }

    @Test(arguments: [1, 7, 4096])
    func roundTripInAnyStepSize(limit: Int) throws {
        let text = String(repeating: "* 1 FETCH (FLAGS (\\Seen) UID 42)\r\n", count: 300) + "a OK done\r\n"
        let deflater = try RawDeflater()
        var compressed = ByteBuffer()
        try deflater.deflate(ByteBuffer(string: text), flush: true, into: &compressed)
        #expect(compressed.readableBytes < text.utf8.count / 10)
        let inflater = try RawInflater()
        var result = ByteBuffer()
        var steps = 0
        while compressed.readableBytes > 0 || inflater.mayHaveOutput {
            var chunk = try inflater.inflate(&compressed, limit: limit, allocator: ByteBufferAllocator())
            #expect(chunk.readableBytes <= limit)
            result.writeBuffer(&chunk)
            steps += 1
            if steps > 100_000 { break }
        }
        #expect(String(buffer: result) == text)
    }

    @Test func aBombInflatesOnlyAsFarAsTheLimit() throws {
        // 8 MB of zeros compress to about 8 KB; one call must still produce at most the limit.
        let deflater = try RawDeflater()
        var compressed = ByteBuffer()
        let zeros = ByteBuffer(repeating: 0, count: 1 << 20)
        for _ in 0..<8 { try deflater.deflate(zeros, flush: false, into: &compressed) }
        try deflater.deflate(ByteBuffer(), flush: true, into: &compressed)
        #expect(compressed.readableBytes < 16_384)
        let inflater = try RawInflater()
        let chunk = try inflater.inflate(&compressed, limit: 4096, allocator: ByteBufferAllocator())
        #expect(chunk.readableBytes == 4096)
        #expect(chunk.capacity < 8192)
        #expect(inflater.mayHaveOutput)
    }

    @Test func corruptInputIsAnError() throws {
        let inflater = try RawInflater()
        // BTYPE 11 (reserved) in the first block header: RFC 1951 §3.2.3 calls it an error.
        var input = ByteBuffer(bytes: [0xff, 0xff, 0xff, 0xff])
        #expect(throws: RawDeflateError.self) {
            _ = try inflater.inflate(&input, limit: 1024, allocator: ByteBufferAllocator())
        }
    }
}
