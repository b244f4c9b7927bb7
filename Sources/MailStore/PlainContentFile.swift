// A message's content kept in a blob file that a POP3 RETR may send from the file (sendfile),
// issue 8: it ends with CRLF, so the response ends with just "." CRLF after it, and either no
// line of it starts with "." (RFC 1939 §3 byte-stuffing changes nothing) or the offsets of those
// lines are known (`DotLineOffsets`), so the extra dots go between file segments.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open content file plus the message's prefix, from `MailStore.plainContentFile`. Why a
/// class: it owns the file descriptor and closes it when the last reference goes, so a caller
/// that drops it early (a closed connection) leaks nothing. `@unchecked Sendable`: every stored
/// property is immutable and the descriptor is closed only once, in `deinit`.
public final class PlainContentFile: @unchecked Sendable {
    /// The message's own first octets (stored per message, in the database); they may need
    /// stuffing: only the content is known to be plain.
    public let prefix: [UInt8]
    /// Open for reading, positioned nowhere in particular: read it with offsets (pread, sendfile).
    public let descriptor: Int32
    /// Octets of content in the file (checked against the file's size when it was opened).
    public let contentSize: Int
    /// Ascending offsets in the content of the dots that start a line (`DotLineOffsets`): each
    /// gets one more "." on the wire (RFC 1939 §3), so the file goes out in segments split there.
    /// Empty for a plain content. Offset 0 starts a line only when the prefix ends one.
    public let dotLineOffsets: [Int]

    public init(prefix: [UInt8], descriptor: Int32, contentSize: Int, dotLineOffsets: [Int] = []) {
        self.prefix = prefix
        self.descriptor = descriptor
        self.contentSize = contentSize
        self.dotLineOffsets = dotLineOffsets
    }

    deinit {
        if descriptor >= 0 { _ = close(descriptor) }
    }
}

/// The test behind the stored flag (`blobs.pop3_plain`, migration "v11-pop3-plain-bytes").
public enum PlainBytes {
    /// True when no line of `bytes` starts with "." (offset 0 counts as a line start, a bare LF
    /// ends a line as it does for the stuffer) and `bytes` ends with CRLF. Why memchr on ".":
    /// dots are rarer than line ends, and a base64 body has none (one call clears it).
    public static func check(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let count = bytes.count
        guard count >= 2, let base = bytes.baseAddress,
              bytes[count - 2] == UInt8(ascii: "\r"), bytes[count - 1] == UInt8(ascii: "\n") else { return false }
        var searchFrom = 0
        while searchFrom < count, let found = memchr(base + searchFrom, Int32(UInt8(ascii: ".")), count - searchFrom) {
            let offset = UnsafeRawPointer(found) - base
            if offset == 0 || bytes[offset - 1] == UInt8(ascii: "\n") { return false }
            searchFrom = offset + 1
        }
        return true
    }

    /// The same for an array.
    public static func check(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { check($0) }
    }
}
