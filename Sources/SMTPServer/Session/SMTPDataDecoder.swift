// Reads a DATA body (RFC 5321 §4.1.1.4, §4.5.2) byte by byte on the event loop: dot-unstuffing,
// the end marker, the size limit and bare line endings.
//
// SMTP smuggling (bare LF or bare CR, "<LF>.<LF>", "<LF>.<CR><LF>", "<CR>.<CR>"): the only end of
// data is <CRLF>.<CRLF>; a "." after a bare LF or CR never ends anything, so a second message hidden
// behind a sloppy end marker stays inside the first one. On top of that a message containing any
// bare CR or LF is refused (554 5.6.0) rather than normalised. Why refuse: RFC 5321 §2.3.8 forbids
// them, and repairing them would hand downstream software (forwarding, the outbound queue, other
// MTAs reading our store) a message that differs from what the sender signed and what another
// server would have seen; refusing is the unambiguous answer that Postfix and Exim also settled on.

/// Incremental DATA decoder. Memory is bounded: past `maxSize` octets the message is dropped and
/// only `tooLarge` is remembered while the rest is read and discarded (RFC 1870 §6.3).
struct SMTPDataDecoder: Sendable {
    private enum Position: Sendable {
        case lineStart      // just after CRLF (or at the start): "." here is special
        case inLine
        case carriageReturn // a CR whose LF has not arrived yet
        case dot            // "." at line start
        case dotReturn      // "." CR at line start: an LF now ends the data
    }

    let maxSize: Int
    private var position = Position.lineStart
    private(set) var message: [UInt8] = []
    private(set) var tooLarge = false
    private(set) var bareLineEnding = false
    /// Octets of message content seen, kept or not (for the received-bytes metric).
    private(set) var octets = 0

    init(maxSize: Int) {
        self.maxSize = maxSize
    }

    /// Consumes bytes until the end marker; returns how many were used and whether data ended.
    mutating func decode(_ bytes: UnsafeRawBufferPointer) -> (consumed: Int, finished: Bool) {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch position {
            case .lineStart:
                index += 1
                switch byte {
                case UInt8(ascii: "."): position = .dot
                case UInt8(ascii: "\r"): position = .carriageReturn
                case UInt8(ascii: "\n"): bareLineEnding = true; append(byte); position = .inLine
                default: append(byte); position = .inLine
                }
            case .inLine:
                switch byte {
                case UInt8(ascii: "\r"): index += 1; position = .carriageReturn
                case UInt8(ascii: "\n"): index += 1; bareLineEnding = true; append(byte)  // never a line start
                default:
                    // The common case: copy the rest of the line up to the next CR or LF at once.
                    var end = index + 1
                    while end < bytes.count, bytes[end] != UInt8(ascii: "\r"), bytes[end] != UInt8(ascii: "\n") {
                        end += 1
                    }
                    append(UnsafeRawBufferPointer(rebasing: bytes[index..<end]))
                    index = end
                }
            case .carriageReturn:
                if byte == UInt8(ascii: "\n") {
                    index += 1
                    append(UInt8(ascii: "\r"))
                    append(UInt8(ascii: "\n"))
                    position = .lineStart
                } else {
                    // A bare CR: keep it, and look at this byte again as ordinary content.
                    bareLineEnding = true
                    append(UInt8(ascii: "\r"))
                    position = .inLine
                }
            case .dot:
                // RFC 5321 §4.5.2: the first "." of a line is deleted (dot-unstuffing).
                if byte == UInt8(ascii: "\r") {
                    index += 1
                    position = .dotReturn
                } else {
                    position = .inLine  // re-read this byte as line content (a "\n" counts as bare)
                    if byte == UInt8(ascii: "\n") { bareLineEnding = true; append(byte); index += 1 }
                }
            case .dotReturn:
                if byte == UInt8(ascii: "\n") {
                    index += 1
                    position = .lineStart
                    return (index, true)
                }
                bareLineEnding = true
                append(UInt8(ascii: "\r"))
                position = .inLine
            }
        }
        return (index, false)
    }

    private mutating func append(_ run: UnsafeRawBufferPointer) {
        octets += run.count
        guard !tooLarge else { return }
        if message.count + run.count > maxSize {
            tooLarge = true
            message = []
            return
        }
        message.append(contentsOf: run)
    }

    private mutating func append(_ byte: UInt8) {
        octets += 1
        guard !tooLarge else { return }
        if message.count >= maxSize {
            tooLarge = true
            message = []
            return
        }
        message.append(byte)
    }
}
