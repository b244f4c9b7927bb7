// " n1 n2 n3 ..." for SORT answers (issue 8): 10,000 numbers were 10,000 interpolated Strings.

import NIOCore

extension IMAPResponseEncoder {
    /// Writes each number as SP followed by its decimal digits (RFC 5256 §5 sort-data), formatted
    /// into a small stack buffer and copied in one write per number instead of a String each.
    static func writeNumberList(_ numbers: [UInt32], into buffer: inout ByteBuffer) {
        buffer.reserveCapacity(minimumWritableBytes: numbers.count * 6)
        // " " plus at most 10 digits (UInt32.max is 4294967295).
        var digits: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &digits) { scratch in
            for number in numbers {
                var value = number
                var start = scratch.count
                repeat {
                    start -= 1
                    scratch[start] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                } while value > 0
                start -= 1
                scratch[start] = UInt8(ascii: " ")
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: scratch[start...]))
            }
        }
    }
}
