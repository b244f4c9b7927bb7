import Glibc

/// A POP3 client (RFC 1939) that costs little per byte: a reply is received into one reusable area
/// and a RETR's body is counted where it lies, never copied. It shares the CPUs with the server it
/// measures, so whatever it spends is charged to every server's time alike.
final class POP3Client {
    private let connection: TCPConnection
    private let area = ReceiveArea()

    /// What a multi-line reply's body came to: its octets on the wire (dot-stuffed, with its last
    /// CRLF, without the terminating "."), and how many lines were dot-stuffed.
    struct BodyCount {
        var octets: Int
        var stuffedLines: Int
        /// The message's size as LIST reports it: RFC 1939 §3, every line that starts with "." was
        /// sent with one more.
        var unstuffedOctets: Int { octets - stuffedLines }
    }

    init(host: String, port: Int, timeoutSeconds: Int = 120) throws(BenchError) {
        connection = try TCPConnection(host: host, port: port, timeoutSeconds: timeoutSeconds)
    }

    /// Reads the greeting; it must be positive.
    func greeting() throws(BenchError) {
        let line = try statusLine()
        guard line.starts(with: Self.positive) else { throw BenchError("greeting: \(printable(line))") }
    }

    /// Sends a single-line command and returns its +OK reply line (throws on -ERR).
    @discardableResult
    func command(_ text: String) throws(BenchError) -> [UInt8] {
        try connection.send(Array((text + "\r\n").utf8))
        let line = try statusLine()
        guard line.starts(with: Self.positive) else {
            throw BenchError("\(text.split(separator: " ").first ?? "") refused: \(printable(line))")
        }
        return line
    }

    /// LIST (RFC 1939 §5): message numbers and sizes, in the server's order.
    func list() throws(BenchError) -> [(number: Int, size: Int)] {
        try sendMultiLineCommand("LIST")
        let (body, _) = try scanBody()
        let text = area.bytes(body)
        area.consume(body.upperBound + 3)
        var entries: [(number: Int, size: Int)] = []
        for line in text.split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(separator: UInt8(ascii: " "))
            guard fields.count >= 2, let number = Int(decimal: fields[0]), let size = Int(decimal: fields[1].prefix { $0 != UInt8(ascii: "\r") })
            else { throw BenchError("LIST: unreadable line \(printable(Array(line)))") }
            entries.append((number, size))
        }
        return entries
    }

    /// CAPA (RFC 2449 §5): the capability names the server announces.
    func capabilities() throws(BenchError) -> Set<String> {
        try sendMultiLineCommand("CAPA")
        let (body, _) = try scanBody()
        let text = area.bytes(body)
        area.consume(body.upperBound + 3)
        let lines = text.split(separator: UInt8(ascii: "\n"))
        return Set(lines.compactMap { line in
            line.split(separator: UInt8(ascii: " ")).first.map { String(decoding: $0.filter { $0 != UInt8(ascii: "\r") }, as: UTF8.self) }
        })
    }

    /// RETR (RFC 1939 §5): receives the whole message and counts it where it lies.
    func retrieve(_ number: Int) throws(BenchError) -> BodyCount {
        try sendRetrieves(CollectionOfOne(number))
        return try receiveRetrieve(number)
    }

    /// Sends RETRs without waiting for their answers, in one write. RFC 2449 §6.6: only to a
    /// server that announced PIPELINING; the answers come back in order (`receiveRetrieve`).
    func sendRetrieves(_ numbers: some Sequence<Int>) throws(BenchError) {
        var commands: [UInt8] = []
        for number in numbers { commands += Array("RETR \(number)\r\n".utf8) }
        try connection.send(commands)
    }

    /// Receives the answer to the oldest RETR sent and not yet received.
    func receiveRetrieve(_ number: Int) throws(BenchError) -> BodyCount {
        try receiveMultiLineStatus(of: "RETR \(number)")
        let (body, stuffedLines) = try scanBody()
        area.consume(body.upperBound + 3)
        return BodyCount(octets: body.count, stuffedLines: stuffedLines)
    }

    /// QUIT, ignoring how the server answers.
    func quit() {
        _ = try? command("QUIT")
    }

    // MARK: - Replies

    private static let positive = Array("+OK".utf8)
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let dot = UInt8(ascii: ".")

    /// One CRLF-terminated line, consumed, without its CRLF.
    private func statusLine() throws(BenchError) -> [UInt8] {
        let end = try lineEnd(from: 0)
        let line = area.bytes(0..<end)
        area.consume(end + 2)
        return line
    }

    /// The offset of the CR of the first CRLF at or after `start`, receiving until one arrives.
    private func lineEnd(from start: Int) throws(BenchError) -> Int {
        var searched = start
        while true {
            let length = area.available - searched
            if length > 0, let found = memchr(area.unread + searched, Int32(Self.lineFeed), length) {
                let newline = found - area.unread
                guard newline > 0, area[newline - 1] == Self.carriageReturn else {
                    throw BenchError("a line ended in a bare LF")
                }
                return newline - 1
            }
            searched = area.available
            try area.fill(from: connection)
        }
    }

    /// Sends `text` and checks that the status line of its multi-line reply is positive; the status
    /// line stays unread, so the body scan can see the CRLF before the body's first line.
    private func sendMultiLineCommand(_ text: String) throws(BenchError) {
        try connection.send(Array((text + "\r\n").utf8))
        try receiveMultiLineStatus(of: text)
    }

    /// Waits for the status line of `text`'s multi-line reply and checks it is positive; the line
    /// stays unread (see `sendMultiLineCommand`).
    private func receiveMultiLineStatus(of text: String) throws(BenchError) {
        let end = try lineEnd(from: 0)
        guard area.available >= 3, area[0] == UInt8(ascii: "+"), area[1] == UInt8(ascii: "O"), area[2] == UInt8(ascii: "K")
        else { throw BenchError("\(text) refused: \(printable(area.bytes(0..<end)))") }
        statusLineLength = end + 2
    }

    private var statusLineLength = 0

    /// Receives a multi-line body up to its terminating ".CRLF" (RFC 1939 §3) and returns the body's
    /// range (after the status line, with its last CRLF, without the ".") and how many of its lines
    /// were dot-stuffed. A "." is only looked at where it starts a line: memchr finds the dots,
    /// and the CRLF before each tells whether it starts one.
    private func scanBody() throws(BenchError) -> (body: Range<Int>, stuffedLines: Int) {
        let bodyStart = statusLineLength
        var cursor = bodyStart
        var stuffedLines = 0
        while true {
            let available = area.available
            while cursor < available {
                guard let found = memchr(area.unread + cursor, Int32(Self.dot), available - cursor) else {
                    cursor = available
                    break
                }
                let dot = found - area.unread
                // The status line's CRLF precedes the body, so `dot - 2` is always in the reply.
                guard area[dot - 1] == Self.lineFeed, area[dot - 2] == Self.carriageReturn else {
                    cursor = dot + 1
                    continue
                }
                guard dot + 2 < available else { cursor = dot; break }  // what follows has not arrived
                switch (area[dot + 1], area[dot + 2]) {
                case (Self.dot, _):
                    stuffedLines += 1
                    cursor = dot + 2
                case (Self.carriageReturn, Self.lineFeed):
                    return (bodyStart..<dot, stuffedLines)
                default:
                    throw BenchError("a line starting with \".\" was not dot-stuffed (RFC 1939 §3)")
                }
            }
            try area.fill(from: connection)
        }
    }
}

/// A line for an error message: at most 200 bytes, non-printable bytes as "?".
func printable(_ bytes: [UInt8]) -> String {
    String(decoding: bytes.prefix(200).map { (32..<127).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
}

extension Int {
    /// A non-negative decimal number from ASCII digits; nil if empty, not digits or too long.
    init?(decimal digits: some Collection<UInt8>) {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        self = value
    }
}
