/// Appends the primitives of the binary summary form (see `MessageSummary+Binary.swift`): LEB128
/// varints, zigzag integers, length-prefixed UTF-8 strings, optional markers and counted arrays.
/// Hand-written rather than Codable so that decoding a summary costs a few microseconds.
struct SummaryWriter {
    private(set) var bytes: [UInt8] = []
    /// Set when a body structure is deeper than `SummaryReader.maximumTreeDepth`; the caller then
    /// stores another form, since the reader would refuse these bytes.
    var exceededDepth = false

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    mutating func byte(_ value: UInt8) {
        bytes.append(value)
    }

    /// Unsigned LEB128: 7 bits per byte, low bits first, high bit set on every byte but the last.
    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    /// Zigzag-mapped signed integer, so small negative numbers stay short too.
    mutating func int(_ value: Int) {
        let wide = Int64(value)
        varint(UInt64(bitPattern: (wide << 1) ^ (wide >> 63)))
    }

    /// A non-negative count (array length, string length).
    mutating func count(_ value: Int) {
        varint(UInt64(max(0, value)))
    }

    mutating func string(_ value: String) {
        let utf8 = value.utf8
        count(utf8.count)
        bytes.append(contentsOf: utf8)
    }

    /// Length + 1, with 0 meaning nil: one byte for an absent string.
    mutating func optionalString(_ value: String?) {
        guard let value else { return byte(0) }
        let utf8 = value.utf8
        varint(UInt64(utf8.count) + 1)
        bytes.append(contentsOf: utf8)
    }

    /// Eight bytes, little-endian (for a Double's bit pattern).
    mutating func fixed64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }
}
