/// Reads the primitives `SummaryWriter` appends, over borrowed bytes. Stored summaries are treated
/// as untrusted: every read is bounds-checked and throws `SummaryDecodingError` on truncated or
/// malformed input; counts are bounded by the bytes left (every element takes at least one byte), so
/// a corrupt count can neither allocate much nor loop long.
struct SummaryReader {
    /// Deepest body structure node accepted (root is depth 0). The parser turns anything deeper than
    /// `MessageParser.Limits.default.maximumDepth` into a leaf, so its trees always fit.
    static let maximumTreeDepth = MessageParser.Limits.default.maximumDepth

    private let bytes: UnsafeBufferPointer<UInt8>
    private(set) var position = 0

    /// `bytes` must stay valid while the reader is used (callers keep it inside `withUnsafe…`).
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    var remaining: Int { bytes.count - position }
    var isAtEnd: Bool { position == bytes.count }

    @inline(__always)
    mutating func byte() throws(SummaryDecodingError) -> UInt8 {
        guard position < bytes.count else { throw .truncated }
        defer { position += 1 }
        return bytes[position]
    }

    /// Unsigned LEB128, at most ten bytes; bits beyond 64 are an error rather than silently dropped.
    @inline(__always)
    mutating func varint() throws(SummaryDecodingError) -> UInt64 {
        // Nearly every value (lengths, counts, markers) fits in one byte.
        if position < bytes.count, bytes[position] < 0x80 {
            defer { position += 1 }
            return UInt64(bytes[position])
        }
        return try longVarint()
    }

    private mutating func longVarint() throws(SummaryDecodingError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try byte()
            let payload = UInt64(byte & 0x7F)
            if shift == 63 && payload > 1 { throw .malformed("varint overflows 64 bits") }
            result |= payload << shift
            if byte < 0x80 { return result }
            shift += 7
            if shift > 63 { throw .malformed("varint longer than ten bytes") }
        }
    }

    mutating func int() throws(SummaryDecodingError) -> Int {
        let raw = try varint()
        let value = Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
        guard let result = Int(exactly: value) else { throw .malformed("integer out of range") }
        return result
    }

    /// A count of elements that each take at least `minimumElementSize` bytes: larger than what is
    /// left means garbage, caught before any allocation or loop.
    mutating func count(minimumElementSize: Int = 1) throws(SummaryDecodingError) -> Int {
        let raw = try varint()
        guard raw <= UInt64(remaining / max(1, minimumElementSize)) else { throw .malformed("count exceeds input") }
        return Int(raw)
    }

    mutating func string() throws(SummaryDecodingError) -> String {
        try utf8(length: count())
    }

    mutating func optionalString() throws(SummaryDecodingError) -> String? {
        let marker = try varint()
        guard marker != 0 else { return nil }
        guard marker - 1 <= UInt64(remaining) else { throw .truncated }
        return try utf8(length: Int(marker - 1))
    }

    /// An optional string's bytes, borrowed from the input (valid as long as it is), unchecked as
    /// UTF-8: for writers that copy them out without a String.
    mutating func optionalBytes() throws(SummaryDecodingError) -> UnsafeBufferPointer<UInt8>? {
        let marker = try varint()
        guard marker != 0 else { return nil }
        guard marker - 1 <= UInt64(remaining) else { throw .truncated }
        let length = Int(marker - 1)
        defer { position += length }
        return UnsafeBufferPointer(rebasing: bytes[position..<(position + length)])
    }

    /// Steps over an optional string without building it.
    mutating func skipOptionalString() throws(SummaryDecodingError) {
        let marker = try varint()
        guard marker != 0 else { return }
        guard marker - 1 <= UInt64(remaining) else { throw .truncated }
        position += Int(marker - 1)
    }

    /// Steps over a string without building it.
    mutating func skipString() throws(SummaryDecodingError) {
        let length = try count()
        position += length   // `count()` bounded it by the bytes left
    }

    /// Steps over `length` octets.
    mutating func skip(_ length: Int) throws(SummaryDecodingError) {
        guard length >= 0, length <= remaining else { throw .truncated }
        position += length
    }

    mutating func fixed64() throws(SummaryDecodingError) -> UInt64 {
        guard remaining >= 8 else { throw .truncated }
        var value: UInt64 = 0
        for index in 0..<8 {
            value |= UInt64(bytes[position + index]) << UInt64(8 * index)
        }
        position += 8
        return value
    }

    /// Invalid UTF-8 (only possible in corrupt data) is repaired, not trusted: a String is always valid.
    private mutating func utf8(length: Int) throws(SummaryDecodingError) -> String {
        guard length <= remaining else { throw .truncated }
        defer { position += length }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<(position + length)]), as: UTF8.self)
    }
}

/// Why a stored summary could not be read. The message is intact; only its summary must be rebuilt.
struct SummaryDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    let reason: String

    static let truncated = SummaryDecodingError(reason: "truncated")
    static func malformed(_ reason: String) -> SummaryDecodingError { SummaryDecodingError(reason: reason) }

    var description: String { "stored message summary is unreadable: \(reason)" }
}
