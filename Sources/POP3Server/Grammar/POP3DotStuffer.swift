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
/// Why the scan looks for "." (memchr) and then checks the byte before it: only a dot right after
/// an LF (or at the very start) needs stuffing, and dots are rarer than line ends. A base64
/// attachment, most of a large message's octets, has none at all: one vectorised memchr call
/// then clears a whole MiB, where jumping from LF to LF cost a call per 76-octet line (session 6).
public struct POP3DotStuffer: Sendable {
    private var atLineStart = true

    public init() {}

    /// Whether the next octet starts a line: what decides if a dot at a file's offset 0 is
    /// stuffed after a prefix (`POP3Connection.sendPlainFile`).
    public var isAtLineStart: Bool { atLineStart }

    /// Appends `bytes` to `buffer`, doubling every "." that starts a line.
    public mutating func append(_ bytes: ArraySlice<UInt8>, to buffer: inout ByteBuffer) {
        bytes.withUnsafeBytes { append($0, to: &buffer) }
    }

    /// The same for bytes borrowed from elsewhere (the store's memory): no array in between.
    public mutating func append(_ chunk: UnsafeRawBufferPointer, to buffer: inout ByteBuffer) {
        guard !chunk.isEmpty else { return }
        let count = chunk.count
        // Most messages need no stuffing at all: one reservation, then whole runs.
        buffer.reserveCapacity(minimumWritableBytes: count + 16)
        var runStart = 0
        var searchFrom = 0
        while let dot = Self.nextStuffedDot(in: chunk, from: searchFrom, atLineStart: atLineStart) {
            // The run up to the dot, then the extra dot; the original dot starts the next run.
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: chunk[runStart..<dot]))
            buffer.writeInteger(UInt8(ascii: "."))
            runStart = dot
            searchFrom = dot + 1
        }
        buffer.writeBytes(UnsafeRawBufferPointer(rebasing: chunk[runStart..<count]))
        atLineStart = chunk[count - 1] == UInt8(ascii: "\n")
    }

    /// `chunk` as it goes on the wire: the very same buffer (no copy) when no line of it starts
    /// with ".", which is nearly always; otherwise a stuffed copy. Why: a large message is read
    /// from its file straight into a `ByteBuffer`, and only this scan touches it before the socket.
    public mutating func stuffed(_ chunk: ByteBuffer, allocator: ByteBufferAllocator) -> ByteBuffer {
        guard chunk.readableBytes > 0 else { return chunk }
        let (needsCopy, endsLine) = chunk.withUnsafeReadableBytes { bytes in
            (Self.nextStuffedDot(in: bytes, from: 0, atLineStart: atLineStart) != nil,
             bytes[bytes.count - 1] == UInt8(ascii: "\n"))
        }
        guard needsCopy else {
            atLineStart = endsLine
            return chunk
        }
        var out = allocator.buffer(capacity: chunk.readableBytes + chunk.readableBytes / 16 + 16)
        chunk.withUnsafeReadableBytes { append($0, to: &out) }
        return out
    }

    /// Ends the response: a CRLF first if the message did not end with a line ending, then ".".
    public mutating func finish(into buffer: inout ByteBuffer) {
        if !atLineStart { buffer.writeString("\r\n") }
        buffer.writeString(".\r\n")
        atLineStart = true
    }

    /// The offset of the first "." at or after `start` that begins a line: after an LF (a bare
    /// LF counts, as it always did here), or at offset 0 when the previous chunk ended a line.
    static func nextStuffedDot(in chunk: UnsafeRawBufferPointer, from start: Int, atLineStart: Bool) -> Int? {
        guard let base = chunk.baseAddress else { return nil }
        let count = chunk.count
        var searchFrom = start
        while searchFrom < count,
              let found = memchr(base + searchFrom, Int32(UInt8(ascii: ".")), count - searchFrom) {
            let offset = UnsafeRawPointer(found) - base
            let startsLine = offset == 0 ? atLineStart : chunk[offset - 1] == UInt8(ascii: "\n")
            if startsLine { return offset }
            searchFrom = offset + 1
        }
        return nil
    }
}
