// Where a blob file's lines start with ".", recorded at append (migration "v13-pop3-dot-offsets",
// issue 8) so a POP3 RETR can send the file by sendfile in segments with the extra "." between
// them (RFC 1939 §3), instead of reading and stuffing the whole message in user space.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The offsets, in a file's content, of the dots that start a line: at offset 0, or right after
/// an LF (a bare LF ends a line, as for the POP3 stuffer). Why a bound: each offset costs the
/// RETR two more writes (a file segment and a "."); past `limit` the stuffing path is cheaper,
/// and the stored column stays small.
public enum DotLineOffsets {
    /// At most this many offsets are recorded; a content with more is stuffed as before.
    public static let limit = 256

    /// The offsets when `bytes` ends with CRLF (so the response ends with just "." CRLF) and has
    /// at most `limit` lines starting with "."; an empty array is a plain content (`PlainBytes`).
    /// nil otherwise. One memchr pass, as `PlainBytes.check`.
    public static func find(in bytes: UnsafeRawBufferPointer, limit: Int = DotLineOffsets.limit) -> [Int]? {
        let count = bytes.count
        guard count >= 2, let base = bytes.baseAddress,
              bytes[count - 2] == UInt8(ascii: "\r"), bytes[count - 1] == UInt8(ascii: "\n") else { return nil }
        var offsets: [Int] = []
        var searchFrom = 0
        while searchFrom < count, let found = memchr(base + searchFrom, Int32(UInt8(ascii: ".")), count - searchFrom) {
            let offset = UnsafeRawPointer(found) - base
            if offset == 0 || bytes[offset - 1] == UInt8(ascii: "\n") {
                guard offsets.count < limit else { return nil }
                offsets.append(offset)
            }
            searchFrom = offset + 1
        }
        return offsets
    }

    /// The same for an array.
    public static func find(in bytes: [UInt8], limit: Int = DotLineOffsets.limit) -> [Int]? {
        bytes.withUnsafeBytes { find(in: $0, limit: limit) }
    }

    /// The column's form: each offset as 8 octets, little-endian, ascending.
    public static func encode(_ offsets: [Int]) -> Data {
        var data = Data(capacity: offsets.count * 8)
        for offset in offsets {
            withUnsafeBytes(of: UInt64(offset).littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    /// The offsets back from the column, or nil when it cannot describe a content of
    /// `contentSize` octets (wrong length, too many, not ascending, past the end): the caller then
    /// stuffs the message as before rather than trusting a damaged row.
    public static func decode(_ bytes: [UInt8], contentSize: Int) -> [Int]? {
        guard bytes.count % 8 == 0, bytes.count / 8 <= limit else { return nil }
        var offsets: [Int] = []
        offsets.reserveCapacity(bytes.count / 8)
        var index = 0
        while index < bytes.count {
            var value: UInt64 = 0
            for shift in 0..<8 { value |= UInt64(bytes[index + shift]) << (8 * UInt64(shift)) }
            index += 8
            guard value < UInt64(contentSize), offsets.last.map({ UInt64($0) < value }) ?? true else { return nil }
            offsets.append(Int(value))
        }
        return offsets
    }
}
