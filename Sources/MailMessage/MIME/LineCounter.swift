/// Counts lines the way BODYSTRUCTURE's body-fld-lines needs: line endings, plus a final
/// unterminated line.
enum LineCounter {
    static func count(_ bytes: [UInt8], in range: Range<Int>) -> Int {
        guard !range.isEmpty else { return 0 }
        return bytes.withUnsafeBufferPointer { buffer in
            let end = min(range.upperBound, buffer.count)
            var lines = 0
            var position = range.lowerBound
            while position < end {
                let lineFeed = HeaderScanner.findLineFeed(buffer, from: position, to: end)
                if lineFeed < end { lines += 1 }
                else if position < end { lines += 1 }   // unterminated last line
                position = lineFeed + 1
            }
            return lines
        }
    }
}
