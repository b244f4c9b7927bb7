#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a header block into fields (RFC 5322 §2.2, §3.5) in one pass over the bytes: no copies,
/// no unfolding (that happens lazily in `HeaderField.value`). Bare LF line endings are tolerated.
enum HeaderScanner {
    struct Result {
        var header: HeaderFields
        /// First byte of the body (after the empty line), or the end of the range when there is none.
        var bodyStart: Int
    }

    /// - Parameters:
    ///   - range: the entity (message or MIME part) to read, as offsets in `bytes`.
    ///   - isMIMEPart: a part whose first line is not a header field has no header at all (a body
    ///     that starts right after the boundary line); a top-level message keeps such lines as
    ///     malformed fields instead, so that an mbox "From " line does not lose the real header.
    static func scan(_ bytes: [UInt8], range: Range<Int>, maximumFields: Int, isMIMEPart: Bool) -> Result {
        bytes.withUnsafeBufferPointer { buffer in
            scan(buffer, bytes: bytes, range: range, maximumFields: maximumFields, isMIMEPart: isMIMEPart)
        }
    }

    private static func scan(
        _ buffer: UnsafeBufferPointer<UInt8>, bytes: [UInt8], range: Range<Int>,
        maximumFields: Int, isMIMEPart: Bool
    ) -> Result {
        let end = min(range.upperBound, buffer.count)
        let start = max(0, min(range.lowerBound, end))
        var fields: [HeaderField] = []
        var truncated = false
        // Field being accumulated: its first byte, name and value start; folded lines extend it.
        var pendingStart = -1
        var pendingName = ""
        var pendingValueStart = 0
        var position = start

        func flush(upTo fieldEnd: Int) {
            guard pendingStart >= 0 else { return }
            if fields.count < maximumFields {
                fields.append(HeaderField(name: pendingName, raw: bytes[pendingStart..<fieldEnd],
                                          valueStart: pendingValueStart))
            } else {
                truncated = true
            }
            pendingStart = -1
        }

        while position < end {
            let lineEnd = findLineFeed(buffer, from: position, to: end)
            let next = lineEnd < end ? lineEnd + 1 : end
            var contentEnd = lineEnd
            if contentEnd > position, buffer[contentEnd - 1] == ASCII.cr { contentEnd -= 1 }

            if contentEnd == position {
                // RFC 5322 §2.1: the first empty line ends the header section.
                flush(upTo: position)
                return Result(header: HeaderFields(fields: fields, range: start..<next, isTruncated: truncated),
                              bodyStart: next)
            }
            let first = buffer[position]
            if (first == ASCII.space || first == ASCII.tab) && pendingStart >= 0 {
                // RFC 5322 §2.2.3: a line starting with WSP continues the previous field.
                position = next
                continue
            }
            flush(upTo: position)
            if let colon = fieldNameEnd(buffer, from: position, to: contentEnd) {
                var nameEnd = colon
                while nameEnd > position, ASCII.isWhitespace(buffer[nameEnd - 1]) { nameEnd -= 1 }  // obs-optional
                pendingName = String(decoding: UnsafeBufferPointer(rebasing: buffer[position..<nameEnd]),
                                     as: UTF8.self)
                pendingValueStart = colon + 1
            } else {
                if isMIMEPart && position == start {
                    // Not a header at all: the part's body starts right away (no header, no blank line).
                    return Result(header: HeaderFields(fields: [], range: start..<start), bodyStart: start)
                }
                pendingName = ""
                pendingValueStart = position
            }
            pendingStart = position
            position = next
        }
        // No empty line: everything was header (RFC 9051 §6.4.5 allows a message with no body).
        flush(upTo: end)
        return Result(header: HeaderFields(fields: fields, range: start..<end, isTruncated: truncated),
                      bodyStart: end)
    }

    /// Index of the next LF at or after `from`, or `to` when there is none. memchr is vectorised.
    @inline(__always)
    static func findLineFeed(_ buffer: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int {
        guard from < to, let base = buffer.baseAddress else { return to }
        guard let found = memchr(base + from, Int32(ASCII.lf), to - from) else { return to }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// RFC 5322 §3.6.8: field-name = 1*ftext (printable ASCII but ":"), then optional WSP (obsolete
    /// syntax) and the colon. Returns the colon's index, or nil for a line that is no field.
    private static func fieldNameEnd(_ buffer: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        var index = from
        while index < to {
            let byte = buffer[index]
            if byte == ASCII.colon { return index > from ? index : nil }
            if byte < 33 || byte > 126 { break }
            index += 1
        }
        guard index > from else { return nil }
        while index < to, ASCII.isWhitespace(buffer[index]) { index += 1 }
        return index < to && buffer[index] == ASCII.colon ? index : nil
    }
}
