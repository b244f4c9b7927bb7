// The server's compressor for COMPRESS=DEFLATE (RFC 4978): raw DEFLATE (RFC 1951, no zlib
// header), a small window and hash table so an idle compressed connection stays cheap.

import CZlib
import NIOCore

/// One raw-DEFLATE output stream. A class because zlib keeps a pointer to its `z_stream`, which
/// must not move; not Sendable: it lives on one channel's event loop.
final class RawDeflater {
    /// zlib parameters. zlib's deflate state costs about
    /// `(1 << (windowBits + 2)) + (1 << (memLevel + 9))` octets plus ~6 KB: 48 KB + 6 KB with the
    /// defaults, against 262 KB for zlib's defaults (15, 8). Measured on the benchmark corpus's
    /// headers, 13/5 compresses a header FETCH to 14 % of its size (15/8: 11 %; 12/5: 17 %).
    struct Parameters: Equatable {
        var level: Int32 = 6
        var windowBits: Int32 = 13
        var memLevel: Int32 = 5
    }

    private let stream: UnsafeMutablePointer<z_stream>
    /// Output room asked for per zlib call: large enough that a sync flush of a typical response
    /// takes one call.
    private static let outputStep = 16_384

    init(parameters: Parameters = Parameters()) throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // RFC 4978 §4: windowBits must be -8 to -15 for raw DEFLATE (the shim negates it); zlib
        // turns 8 into 9, so the range kept here is 9...15.
        let windowBits = min(max(parameters.windowBits, 9), 15)
        let memLevel = min(max(parameters.memLevel, 1), 9)
        let level = min(max(parameters.level, 0), 9)
        let result = czlib_deflate_init_raw(stream, level, windowBits, memLevel)
        guard result == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw RawDeflateError(code: result, operation: "deflateInit2")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Compresses all of `input` and appends what zlib emits to `output`. With `flush` zlib ends
    /// on a byte boundary with an empty stored block (`00 00 ff ff`, RFC 4978 §4's Z_SYNC_FLUSH),
    /// so the client can decode everything sent so far without waiting for more.
    func deflate(_ input: ByteBuffer, flush: Bool, into output: inout ByteBuffer) throws {
        var input = input
        let mode = flush ? Z_SYNC_FLUSH : Z_NO_FLUSH
        try input.withUnsafeMutableReadableBytes { inBytes in
            stream.pointee.next_in = inBytes.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_in = UInt32(inBytes.count)
            defer {
                stream.pointee.next_in = nil
                stream.pointee.avail_in = 0
            }
            // zlib's rule: call again while it filled all the output room it was given.
            var filled = true
            while filled {
                var result: Int32 = Z_OK
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.outputStep) { outBytes in
                    let room = min(outBytes.count, Int(UInt32.max))
                    stream.pointee.next_out = outBytes.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_out = UInt32(room)
                    result = CZlib.deflate(stream, mode)
                    let produced = room - Int(stream.pointee.avail_out)
                    filled = stream.pointee.avail_out == 0
                    stream.pointee.next_out = nil
                    return produced
                }
                // Z_BUF_ERROR only says no progress was possible (nothing to do): not a failure.
                guard result == Z_OK || result == Z_BUF_ERROR else {
                    throw RawDeflateError(code: result, operation: "deflate")
                }
            }
        }
    }
}
