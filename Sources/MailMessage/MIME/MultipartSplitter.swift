/// Finds the parts of a multipart body (RFC 2046 §5.1.1) by scanning for delimiter lines. The CRLF
/// before a delimiter belongs to the delimiter, not to the part; a missing close delimiter ends the
/// last part at the end of the body; preamble and epilogue are not parts.
enum MultipartSplitter {
    static func split(_ bytes: [UInt8], body: Range<Int>, boundary: [UInt8], maximumParts: Int) -> [Range<Int>] {
        bytes.withUnsafeBufferPointer { buffer in
            split(buffer, body: body, boundary: boundary, maximumParts: maximumParts)
        }
    }

    private static func split(_ buffer: UnsafeBufferPointer<UInt8>, body: Range<Int>, boundary: [UInt8],
                              maximumParts: Int) -> [Range<Int>] {
        let end = min(body.upperBound, buffer.count)
        var parts: [Range<Int>] = []
        var partStart: Int? = nil
        var lineStart = body.lowerBound
        let delimiterLength = boundary.count + 2
        while lineStart < end {
            let lineEnd = HeaderScanner.findLineFeed(buffer, from: lineStart, to: end)
            if lineEnd - lineStart >= delimiterLength,
               buffer[lineStart] == ASCII.minus, buffer[lineStart + 1] == ASCII.minus,
               matches(buffer, at: lineStart + 2, boundary) {
                var after = lineStart + delimiterLength
                var isClose = false
                if after + 1 < lineEnd, buffer[after] == ASCII.minus, buffer[after + 1] == ASCII.minus {
                    isClose = true
                    after += 2
                }
                // RFC 2046 §5.1.1: only transport padding (LWSP) may follow on the delimiter line.
                var onlyPadding = true
                var index = after
                while index < lineEnd {
                    let byte = buffer[index]
                    if byte != ASCII.space && byte != ASCII.tab && byte != ASCII.cr { onlyPadding = false; break }
                    index += 1
                }
                if onlyPadding {
                    if let start = partStart {
                        var partEnd = lineStart
                        if partEnd > start, buffer[partEnd - 1] == ASCII.lf {
                            partEnd -= 1
                            if partEnd > start, buffer[partEnd - 1] == ASCII.cr { partEnd -= 1 }
                        }
                        parts.append(start..<partEnd)
                        if parts.count >= maximumParts { return parts }
                    }
                    if isClose { return parts }
                    partStart = lineEnd < end ? lineEnd + 1 : end
                }
            }
            lineStart = lineEnd + 1
        }
        if let start = partStart, parts.count < maximumParts {
            parts.append(start..<end)   // no close delimiter: tolerated
        }
        return parts
    }

    @inline(__always)
    private static func matches(_ buffer: UnsafeBufferPointer<UInt8>, at start: Int, _ boundary: [UInt8]) -> Bool {
        var index = 0
        while index < boundary.count {
            if buffer[start + index] != boundary[index] { return false }
            index += 1
        }
        return true
    }
}
