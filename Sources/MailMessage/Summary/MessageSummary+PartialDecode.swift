import Foundation

// Narrow reads of the stored summary (layout in MessageSummary+Binary.swift): SEARCH FROM/TO/SUBJECT
// needs only the search text at the end, and FETCH of header sections only the header length at
// the start. Stepping over the other fields builds no String, array or tree, which made SEARCH over
// a mailbox several times cheaper than decoding each summary whole (issue 8, imap-mix).
extension MessageSummary {
    /// Only the search text of a stored summary. Every field before it is stepped over with the
    /// same checks a whole decode makes, so this throws exactly when `decode` throws.
    /// JSON rows (version 1) are decoded whole.
    public static func decodeSearchText(_ data: Data) throws -> SearchText {
        guard let layout = try StoredSearchTextLayout.locate(in: data) else { return try decode(data).search }
        return layout.searchText(in: data)
    }

    /// Only the header length (octets of the header and its blank line), the second field of the
    /// stored form. Like `decodeEnvelope`, damage after it goes unnoticed here.
    public static func decodeHeaderLength(_ data: Data) throws -> Int {
        guard let first = data.first else { throw SummaryDecodingError.truncated }
        if first == UInt8(ascii: "{") { return try decode(data).headerLength }
        return try data.withUnsafeBytes { raw in
            try raw.withMemoryRebound(to: UInt8.self) { bytes throws(SummaryDecodingError) -> Int in
                var reader = SummaryReader(bytes)
                try reader.version()
                return try reader.int()
            }
        }
    }
}

extension SummaryReader {
    /// Smallest encoded address and node, as the decoding side bounds its counts.
    private static let minimumAddressSize = 5
    private static let minimumNodeSize = 16

    /// The version byte, checked as `decodeBinary` checks it; returns it.
    @discardableResult
    mutating func version() throws(SummaryDecodingError) -> UInt8 {
        let version = try byte()
        guard version == MessageSummary.binaryVersion || version == 2 else {
            throw .malformed(version > MessageSummary.binaryVersion ? "summary format \(version) is newer than this build"
                                                                    : "unknown summary format \(version)")
        }
        return version
    }

    mutating func skipEnvelope() throws(SummaryDecodingError) {
        try skipOptionalString()    // date
        try skipOptionalString()    // subject
        try skipAddresses(count: count(minimumElementSize: Self.minimumAddressSize))   // from
        for _ in 0..<2 {            // sender, reply-to: 0 (same as from) or count + 1
            let marker = try varint()
            guard marker != 0 else { continue }
            guard marker - 1 <= UInt64(remaining / Self.minimumAddressSize) else { throw .malformed("count exceeds input") }
            try skipAddresses(count: Int(marker - 1))
        }
        for _ in 0..<3 {            // to, cc, bcc
            try skipAddresses(count: count(minimumElementSize: Self.minimumAddressSize))
        }
        try skipOptionalString()    // in-reply-to
        try skipOptionalString()    // message-id
    }

    private mutating func skipAddresses(count: Int) throws(SummaryDecodingError) {
        for _ in 0..<count {
            guard try byte() <= 2 else { throw .malformed("unknown address kind") }
            for _ in 0..<4 { try skipOptionalString() }
        }
    }

    /// Recursion bounded by `maximumTreeDepth`, as the decoding side.
    mutating func skipBodyStructure(depth: Int) throws(SummaryDecodingError) {
        guard depth <= Self.maximumTreeDepth else { throw .malformed("body structure nested too deeply") }
        try skipString()            // type
        try skipString()            // subtype
        try skipParameters()
        try skipOptionalString()    // id
        try skipOptionalString()    // description
        try skipString()            // encoding
        try skipOptionalString()    // md5
        switch try byte() {
        case 0: break
        case 1:
            try skipString()
            try skipParameters()
        default: throw .malformed("unknown disposition marker")
        }
        let languageMarker = try varint()
        if languageMarker != 0 {
            guard languageMarker - 1 <= UInt64(remaining) else { throw .malformed("count exceeds input") }
            for _ in 0..<(languageMarker - 1) { try skipString() }
        }
        try skipOptionalString()    // location
        try skipRange()             // header
        try skipRange()             // body
        _ = try int()               // line count
        switch try byte() {
        case 0: break
        case 1:
            let count = try count(minimumElementSize: Self.minimumNodeSize)
            for _ in 0..<count { try skipBodyStructure(depth: depth + 1) }
        case 2:
            try skipEnvelope()
            try skipBodyStructure(depth: depth + 1)
        default:
            throw .malformed("unknown content marker")
        }
    }

    private mutating func skipParameters() throws(SummaryDecodingError) {
        let count = try count(minimumElementSize: 2)
        for _ in 0..<count {
            try skipString()
            try skipString()
        }
    }

    private mutating func skipRange() throws(SummaryDecodingError) {
        let lowerBound = try int()
        let length = try varint()
        let upperBound = Int(Int64(bitPattern: UInt64(bitPattern: Int64(lowerBound)) &+ length))
        guard upperBound >= lowerBound else { throw .malformed("range overflows") }
    }
}
