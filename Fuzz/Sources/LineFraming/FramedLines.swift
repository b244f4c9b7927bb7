// The line framing the SMTP and POP3 framing handlers apply before their command parsers, for
// the harnesses of those parsers. The input's first byte picks the read size and line limit.
import FuzzSupport
import NIOCore
import ProtocolListener

/// Lines of a client stream as the server's `LineFramer` cuts them; why: the command parsers only
/// ever see what the framer lets through, and the framer itself reads untrusted bytes.
public enum FramedLines {
    /// One framing outcome: a line (without CRLF) or an over-long line that was dropped.
    public typealias Line = LineFramer.Line

    /// Frames `input` after its first byte. Bits 0-2 of that byte give the read size (1...7
    /// bytes, or 0 for the whole stream at once); bit 3 a tight `tightLimit` instead of `limit`.
    /// Checks that the lines do not depend on the read size (TCP segmentation must not matter).
    public static func lines(of input: [UInt8], limit: Int, tightLimit: Int = 16) -> [Line] {
        guard let choices = input.first else { return [] }
        let stream = input.dropFirst()
        let chunkChoice = Int(choices & 0x07)
        let maxLength = choices & 0x08 != 0 ? tightLimit : limit
        let chunked = frame(stream, chunkSize: chunkChoice == 0 ? stream.count : chunkChoice, maxLength: maxLength)
        if chunkChoice != 0, chunkChoice < stream.count {
            let whole = frame(stream, chunkSize: stream.count, maxLength: maxLength)
            FuzzDriver.check(chunked == whole, "line framing depends on how the stream is split into reads")
        }
        return chunked
    }

    private static func frame(_ stream: ArraySlice<UInt8>, chunkSize: Int, maxLength: Int) -> [Line] {
        var framer = LineFramer()
        var buffer = ByteBufferAllocator().buffer(capacity: 0)
        var lines: [Line] = []
        var offset = stream.startIndex
        while offset < stream.endIndex {
            let end = min(offset + max(chunkSize, 1), stream.endIndex)
            var incoming = ByteBufferAllocator().buffer(bytes: stream[offset..<end])
            offset = end
            guard framer.receive(&incoming, into: &buffer) else { continue }
            while let line = framer.nextLine(in: &buffer, maxLength: maxLength) {
                lines.append(line)
            }
        }
        return lines
    }
}
