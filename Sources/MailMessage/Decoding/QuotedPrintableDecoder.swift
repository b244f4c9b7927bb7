/// Lenient quoted-printable (RFC 2045 §6.7): soft line breaks removed, `=XX` decoded in either case,
/// a malformed `=` kept literally (rule (1) recommends that), output bounded.
public enum QuotedPrintableDecoder {
    /// - Parameter underscoreIsSpace: RFC 2047 §4.2 "Q" encoding, where `_` stands for a space.
    public static func decode<Bytes: RandomAccessCollection>(
        _ input: Bytes, underscoreIsSpace: Bool = false, maximumLength: Int = .max
    ) -> [UInt8] where Bytes.Element == UInt8, Bytes.Index == Int {
        var output: [UInt8] = []
        output.reserveCapacity(min(input.count, maximumLength, 1 << 20))
        var index = input.startIndex
        let end = input.endIndex
        while index < end && output.count < maximumLength {
            let byte = input[index]
            if byte == ASCII.equals {
                let next = index + 1
                if next < end, input[next] == ASCII.lf {                        // soft break, bare LF
                    index = next + 1
                    continue
                }
                if next + 1 < end, input[next] == ASCII.cr, input[next + 1] == ASCII.lf {  // soft break
                    index = next + 2
                    continue
                }
                if next + 1 < end, let high = ASCII.hexValue(input[next]), let low = ASCII.hexValue(input[next + 1]) {
                    output.append(high << 4 | low)
                    index = next + 2
                    continue
                }
                // "=" followed by trailing whitespace then a line break is also a soft break.
                var probe = next
                while probe < end, ASCII.isWhitespace(input[probe]) { probe += 1 }
                if probe > next, probe < end, input[probe] == ASCII.cr || input[probe] == ASCII.lf {
                    index = input[probe] == ASCII.cr && probe + 1 < end && input[probe + 1] == ASCII.lf
                        ? probe + 2 : probe + 1
                    continue
                }
                output.append(byte)
                index = next
            } else if byte == ASCII.underscore && underscoreIsSpace {
                output.append(ASCII.space)
                index += 1
            } else {
                output.append(byte)
                index += 1
            }
        }
        return output
    }
}
