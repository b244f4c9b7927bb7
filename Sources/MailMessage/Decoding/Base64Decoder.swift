/// Lenient base64 (RFC 2045 §6.8): characters outside the alphabet are skipped as the RFC says,
/// decoding stops at padding, and output is bounded so a hostile body cannot exhaust memory.
public enum Base64Decoder {
    public static func decode<Bytes: Sequence>(_ input: Bytes, maximumLength: Int = .max) -> [UInt8]
    where Bytes.Element == UInt8 {
        var output: [UInt8] = []
        output.reserveCapacity(min(input.underestimatedCount * 3 / 4, maximumLength, 1 << 20))
        var accumulator: UInt32 = 0
        var count = 0
        for byte in input {
            let value = table[Int(byte)]
            if value == 0xFF {
                if byte == ASCII.equals { break }   // padding: the data ends here
                continue                            // line breaks and garbage are ignored
            }
            accumulator = accumulator << 6 | UInt32(value)
            count += 1
            if count == 4 {
                guard output.count + 3 <= maximumLength else {
                    appendPartial(accumulator, bytes: 3, into: &output, limit: maximumLength)
                    return output
                }
                output.append(UInt8(truncatingIfNeeded: accumulator >> 16))
                output.append(UInt8(truncatingIfNeeded: accumulator >> 8))
                output.append(UInt8(truncatingIfNeeded: accumulator))
                accumulator = 0
                count = 0
            }
        }
        // A final group of 2 or 3 characters still carries 1 or 2 bytes.
        if count == 2 {
            appendPartial(accumulator << 12, bytes: 1, into: &output, limit: maximumLength)
        } else if count == 3 {
            appendPartial(accumulator << 6, bytes: 2, into: &output, limit: maximumLength)
        }
        return output
    }

    private static func appendPartial(_ group: UInt32, bytes: Int, into output: inout [UInt8], limit: Int) {
        let shifts: [UInt32] = [16, 8, 0]
        for shift in shifts.prefix(bytes) where output.count < limit {
            output.append(UInt8(truncatingIfNeeded: group >> shift))
        }
    }

    private static let table: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for (value, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(value) }
        return table
    }()
}
