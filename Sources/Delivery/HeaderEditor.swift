// Applies the editheader actions of a Sieve run (RFC 5293) to the bytes of one copy.
import Foundation

/// The header of a message split into whole fields (with their folded continuation lines and
/// CRLF), so fields can be added and deleted without touching the body.
struct HeaderEditor {
    private var fields: [[UInt8]]
    private let body: ArraySlice<UInt8>

    init(_ bytes: [UInt8]) {
        var fields: [[UInt8]] = []
        var index = 0
        var bodyStart = bytes.count
        while index < bytes.count {
            // The line ending at the next LF (inclusive).
            var end = index
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            let lineEnd = min(end + 1, bytes.count)
            let line = bytes[index..<lineEnd]
            let isBlank = line.allSatisfy { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }
            if isBlank {
                bodyStart = index
                break
            }
            // RFC 5322 §2.2.3: a line starting with white space continues the previous field.
            if let first = line.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t"), !fields.isEmpty {
                fields[fields.count - 1].append(contentsOf: line)
            } else {
                fields.append(Array(line))
            }
            index = lineEnd
        }
        self.fields = fields
        self.body = bytes[bodyStart...]
    }

    /// RFC 5293 §4: at the top, or after the last field with :last. `value` is ready to write.
    mutating func add(name: String, value: String, last: Bool) {
        let field = Array("\(name): \(value)\r\n".utf8)
        if last { fields.append(field) } else { fields.insert(field, at: 0) }
    }

    /// RFC 5293 §5: removes the `occurrence`-th (1-based) field called `name`, as the header is now.
    mutating func delete(name: String, occurrence: Int) {
        var seen = 0
        for (index, field) in fields.enumerated() where Self.name(of: field)?.caseInsensitiveCompare(name) == .orderedSame {
            seen += 1
            if seen == occurrence {
                fields.remove(at: index)
                return
            }
        }
    }

    var bytes: [UInt8] { fields.flatMap { $0 } + body }

    private static func name(of field: [UInt8]) -> String? {
        guard let colon = field.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        return String(decoding: field[..<colon], as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }
}
