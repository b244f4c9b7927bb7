// Content-Transfer-Encoding decoding for BINARY, fed chunk by chunk so a large attachment is never
// held in memory whole (RFC 3516 §4.2, RFC 9051 §6.4.5).

import MailMessage

/// Decodes one part's body incrementally. The output does not depend on how the input is chunked
/// (except for hostile quoted-printable lines longer than `maxPendingLine`), so BINARY.SIZE and
/// BINARY always agree.
struct IMAPTransferDecoder: Sendable {
    private enum Scheme: Sendable {
        case identity
        case base64(accumulator: UInt32, count: Int, ended: Bool)
        /// Bytes after the last line feed, held back until their line is complete.
        case quotedPrintable(pending: [UInt8])
    }

    /// A quoted-printable "line" longer than this is cut anyway, so memory stays bounded.
    static let maxPendingLine = 256 * 1024

    private var scheme: Scheme
    private let normalizesLineEndings: Bool
    private var lastWasCR = false

    /// nil for an encoding we cannot decode: the caller answers NO [UNKNOWN-CTE] (RFC 3516 §4.3).
    /// - Parameter normalizesLineEndings: text/* parts go out with CRLF line endings (RFC 9051 §7.5.2).
    init?(encoding: String, normalizesLineEndings: Bool) {
        switch encoding.lowercased() {
        case "", "7bit", "8bit", "binary": scheme = .identity    // RFC 2045 §6.2: no decoding needed
        case "base64": scheme = .base64(accumulator: 0, count: 0, ended: false)
        case "quoted-printable": scheme = .quotedPrintable(pending: [])
        default: return nil
        }
        self.normalizesLineEndings = normalizesLineEndings
    }

    /// Decoded octets for the next chunk of encoded input.
    mutating func decode(_ chunk: [UInt8]) -> [UInt8] {
        switch scheme {
        case .identity:
            return normalized(chunk)
        case .base64(var accumulator, var count, var ended):
            var output: [UInt8] = []
            output.reserveCapacity(chunk.count * 3 / 4 + 3)
            // RFC 2045 §6.8: characters outside the alphabet are ignored; "=" ends the data.
            for byte in chunk where !ended {
                let value = Self.base64Values[Int(byte)]
                if value == 0xFF {
                    if byte == UInt8(ascii: "=") { ended = true }
                    continue
                }
                accumulator = accumulator << 6 | UInt32(value)
                count += 1
                if count == 4 {
                    output.append(UInt8(truncatingIfNeeded: accumulator >> 16))
                    output.append(UInt8(truncatingIfNeeded: accumulator >> 8))
                    output.append(UInt8(truncatingIfNeeded: accumulator))
                    accumulator = 0
                    count = 0
                }
            }
            scheme = .base64(accumulator: accumulator, count: count, ended: ended)
            return normalized(output)
        case .quotedPrintable(var pending):
            pending.append(contentsOf: chunk)
            // Soft breaks and =XX never span a line feed, so whole lines decode the same as the whole body.
            var cut = pending.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            if cut == 0, pending.count > Self.maxPendingLine {
                cut = pending.count
                if let equals = pending.lastIndex(of: UInt8(ascii: "=")), pending.count - equals <= 3 { cut = equals }
            }
            let output = QuotedPrintableDecoder.decode(pending[..<cut])
            scheme = .quotedPrintable(pending: Array(pending[cut...]))
            return normalized(output)
        }
    }

    /// Decoded octets still held back at the end of the input.
    mutating func finish() -> [UInt8] {
        switch scheme {
        case .identity:
            return []
        case .base64(let accumulator, let count, _):
            scheme = .base64(accumulator: 0, count: 0, ended: true)
            // A final group of 2 or 3 characters still carries 1 or 2 octets.
            switch count {
            case 2: return normalized([UInt8(truncatingIfNeeded: accumulator >> 4)])
            case 3: return normalized([UInt8(truncatingIfNeeded: accumulator >> 10), UInt8(truncatingIfNeeded: accumulator >> 2)])
            default: return []
            }
        case .quotedPrintable(let pending):
            scheme = .quotedPrintable(pending: [])
            return normalized(QuotedPrintableDecoder.decode(pending))
        }
    }

    /// A bare LF becomes CRLF in text parts (RFC 9051 §7.5.2, BINARY).
    private mutating func normalized(_ bytes: [UInt8]) -> [UInt8] {
        guard normalizesLineEndings else { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 32)
        for byte in bytes {
            if byte == UInt8(ascii: "\n"), !lastWasCR { output.append(UInt8(ascii: "\r")) }
            output.append(byte)
            lastWasCR = byte == UInt8(ascii: "\r")
        }
        return output
    }

    private static let base64Values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = UInt8(value)
        }
        return table
    }()
}
