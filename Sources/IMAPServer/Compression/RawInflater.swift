// The server's decompressor for COMPRESS=DEFLATE (RFC 4978): raw DEFLATE with the full 32 KB
// window (the client chooses its window; the server must accept the largest), producing at most
// a caller-given number of octets per call so a small input cannot expand into a large buffer.

import CZlib
import NIOCore

/// One raw-DEFLATE input stream, inflated in bounded steps. A class because zlib keeps a pointer
/// to its `z_stream`; not Sendable: it lives on one channel's event loop. zlib allocates the
/// 32 KB window on first use, plus ~7 KB of state.
final class RawInflater {
    private let stream: UnsafeMutablePointer<z_stream>
    /// zlib filled the last output room completely: it may hold more output without new input
    /// (a long back-reference in progress).
    private(set) var mayHaveOutput = false
    /// The client closed its DEFLATE stream (a final block): anything after it is an error.
    private var ended = false

    init() throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let result = czlib_inflate_init_raw(stream, 15)
        guard result == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw RawDeflateError(code: result, operation: "inflateInit2")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Inflates from the readable bytes of `input` (moving its reader index past what zlib
    /// consumed) into a new buffer of at most `limit` octets. An empty result means zlib needs
    /// more input. Throws on corrupt data or data after the end of the stream.
    func inflate(_ input: inout ByteBuffer, limit: Int, allocator: ByteBufferAllocator) throws -> ByteBuffer {
        if ended {
            if input.readableBytes > 0 { throw RawDeflateError(code: Z_STREAM_END, operation: "inflate after end") }
            return allocator.buffer(capacity: 0)
        }
        let limit = max(1, min(limit, Int(UInt32.max)))
        var output = allocator.buffer(capacity: limit)
        var result: Int32 = Z_OK
        var consumed = 0
        input.withUnsafeMutableReadableBytes { inBytes in
            stream.pointee.next_in = inBytes.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_in = UInt32(min(inBytes.count, Int(UInt32.max)))
            let offered = Int(stream.pointee.avail_in)
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: limit) { outBytes in
                stream.pointee.next_out = outBytes.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = UInt32(limit)
                result = CZlib.inflate(stream, Z_SYNC_FLUSH)
                let produced = limit - Int(stream.pointee.avail_out)
                mayHaveOutput = stream.pointee.avail_out == 0
                stream.pointee.next_out = nil
                return produced
            }
            consumed = offered - Int(stream.pointee.avail_in)
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
        }
        input.moveReaderIndex(forwardBy: consumed)
        switch result {
        case Z_OK:
            break
        case Z_BUF_ERROR:
            mayHaveOutput = false   // no progress possible: needs input
        case Z_STREAM_END:
            ended = true
            mayHaveOutput = false
            if input.readableBytes > 0 { throw RawDeflateError(code: Z_STREAM_END, operation: "inflate after end") }
        default:
            // Z_DATA_ERROR (corrupt), Z_NEED_DICT (a preset dictionary: not raw DEFLATE), Z_MEM_ERROR.
            throw RawDeflateError(code: result, operation: "inflate")
        }
        return output
    }
}
