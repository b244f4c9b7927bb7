// Bounded CRLF line splitting with resynchronisation after an over-long line, shared by the
// framing handlers of the line protocols. Pure value type: the handler owns the buffer and the
// channel; this only decides where lines start and end.

import NIOCore

/// Splits a byte buffer into lines of at most `maxLength` octets without ever holding more than
/// about `maxLength` octets of one line: a longer line is reported once as `.tooLong`, and the rest
/// of it is dropped as it arrives, up to its LF (RFC 5321 §4.5.3.1.4 overflow, RFC 2449 §4).
public struct LineFramer: Sendable {
    /// One framing decision.
    public enum Line: Equatable, Sendable {
        /// A complete line without its CRLF (or bare LF).
        case line([UInt8])
        /// A line longer than the limit; it has been (or is being) discarded.
        case tooLong
    }

    /// Dropping the rest of an over-long line up to its LF.
    public private(set) var skippingLongLine = false

    public init() {}

    /// Appends freshly read bytes to `buffer`, first dropping the tail of an over-long line.
    /// Returns false when the whole chunk was dropped (nothing new to frame).
    public mutating func receive(_ incoming: inout ByteBuffer, into buffer: inout ByteBuffer) -> Bool {
        if skippingLongLine {
            guard let lf = incoming.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return false }
            incoming.moveReaderIndex(to: lf + 1)
            skippingLongLine = false
        }
        buffer.writeBuffer(&incoming)
        return true
    }

    /// The next line in `buffer`, consuming it; nil when no complete line (and no over-long one) is
    /// there yet. Looks at most `maxLength + 2` octets ahead for the LF, so a flood costs no scan.
    public mutating func nextLine(in buffer: inout ByteBuffer, maxLength: Int) -> Line? {
        let searchLength = min(buffer.readableBytes, maxLength + 2)
        let view = buffer.readableBytesView
        let window = view[view.startIndex..<(view.startIndex + searchLength)]
        if let lf = window.firstIndex(of: UInt8(ascii: "\n")) {
            var line = buffer.readBytes(length: lf - view.startIndex) ?? []
            buffer.moveReaderIndex(forwardBy: 1)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            Self.compact(&buffer)
            return line.count > maxLength ? .tooLong : .line(line)
        }
        if buffer.readableBytes > maxLength + 1 {
            // Too long: drop through the LF if it is already here, else drop all and skip to it.
            if let lf = view[(view.startIndex + searchLength)...].firstIndex(of: UInt8(ascii: "\n")) {
                buffer.moveReaderIndex(forwardBy: lf - view.startIndex + 1)
                Self.compact(&buffer)
            } else {
                buffer.clear()
                skippingLongLine = true
            }
            return .tooLong
        }
        return nil
    }

    /// Forgets a pending resynchronisation: after STARTTLS the byte stream starts afresh.
    public mutating func reset() {
        skippingLongLine = false
    }

    /// Reclaims consumed bytes once they are many (or the buffer is empty), so a long session's
    /// buffer does not grow without bound.
    public static func compact(_ buffer: inout ByteBuffer) {
        if buffer.readerIndex > 65_536 || buffer.readableBytes == 0 { buffer.discardReadBytes() }
    }
}
