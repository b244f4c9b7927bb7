// RFC 1939 §3 byte-stuffing of a message body sent in chunks: a line starting with "." gets one
// more "." in front, and the response ends with CRLF "." CRLF.

import NIOCore

/// Stuffs a message as it is copied into output buffers, chunk by chunk, remembering across
/// chunks whether the next byte starts a line. Never holds a copy of the message.
public struct POP3DotStuffer: Sendable {
    private var atLineStart = true

    public init() {}

    /// Appends `bytes` to `buffer`, doubling every "." that starts a line.
    public mutating func append(_ bytes: ArraySlice<UInt8>, to buffer: inout ByteBuffer) {
        bytes.withUnsafeBufferPointer { chunk in
            var runStart = 0
            var index = 0
            let count = chunk.count
            while index < count {
                let byte = chunk[index]
                if atLineStart && byte == UInt8(ascii: ".") {
                    // Flush the run up to here, then the extra dot; the original dot starts the next run.
                    buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: chunk[runStart..<index])))
                    buffer.writeInteger(UInt8(ascii: "."))
                    runStart = index
                }
                atLineStart = byte == UInt8(ascii: "\n")
                index += 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: chunk[runStart..<count])))
        }
    }

    /// Ends the response: a CRLF first if the message did not end with a line ending, then ".".
    public mutating func finish(into buffer: inout ByteBuffer) {
        if !atLineStart { buffer.writeString("\r\n") }
        buffer.writeString(".\r\n")
        atLineStart = true
    }
}
