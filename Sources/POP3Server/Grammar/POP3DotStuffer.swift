// RFC 1939 §3 byte-stuffing of a message body sent in chunks: a line starting with "." gets one
// more "." in front, and the response ends with CRLF "." CRLF.

import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stuffs a message as it is copied into output buffers, chunk by chunk, remembering across
/// chunks whether the next byte starts a line. Never holds a copy of the message.
///
/// Why memchr: only the byte after each LF can need a dot, so the scan jumps from LF to LF with
/// the C library's vectorised search and copies the runs between them whole; a byte-by-byte loop
/// was the largest CPU cost of a POP3 download.
public struct POP3DotStuffer: Sendable {
    private var atLineStart = true

    public init() {}

    /// Appends `bytes` to `buffer`, doubling every "." that starts a line.
    public mutating func append(_ bytes: ArraySlice<UInt8>, to buffer: inout ByteBuffer) {
        bytes.withUnsafeBytes { append($0, to: &buffer) }
    }

    /// The same for bytes borrowed from elsewhere (the store's memory): no array in between.
    public mutating func append(_ chunk: UnsafeRawBufferPointer, to buffer: inout ByteBuffer) {
        guard let base = chunk.baseAddress, !chunk.isEmpty else { return }
        let count = chunk.count
        let dot = UInt8(ascii: ".")
        // Most messages need no stuffing at all: one reservation, then whole runs.
        buffer.reserveCapacity(minimumWritableBytes: count + 16)
        if atLineStart && chunk[0] == dot {
            buffer.writeInteger(dot)
        }
        var runStart = 0
        var searchFrom = 0
        while searchFrom < count,
              let found = memchr(base + searchFrom, Int32(UInt8(ascii: "\n")), count - searchFrom) {
            let lineStart = UnsafeRawPointer(found) - base + 1
            if lineStart < count && chunk[lineStart] == dot {
                // The run up to the line start, then the extra dot; the original dot starts the next run.
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: chunk[runStart..<lineStart]))
                buffer.writeInteger(dot)
                runStart = lineStart
            }
            searchFrom = lineStart
        }
        buffer.writeBytes(UnsafeRawBufferPointer(rebasing: chunk[runStart..<count]))
        atLineStart = chunk[count - 1] == UInt8(ascii: "\n")
    }

    /// Ends the response: a CRLF first if the message did not end with a line ending, then ".".
    public mutating func finish(into buffer: inout ByteBuffer) {
        if !atLineStart { buffer.writeString("\r\n") }
        buffer.writeString(".\r\n")
        atLineStart = true
    }
}
