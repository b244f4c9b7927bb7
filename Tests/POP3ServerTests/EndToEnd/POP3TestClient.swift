// POP3 on top of the shared line client: commands, multi-line responses with dot-unstuffing.

import NetworkTestSupport

typealias POP3TestClient = TestLineClient

extension TestLineClient {
    /// Sends one command and returns the status line.
    func command(_ text: String) async throws -> String {
        try await send(text + "\r\n")
        return try await line()
    }

    /// Sends one command and returns the status line and, if it is +OK, the un-stuffed body.
    func multiline(_ text: String) async throws -> (status: String, body: [UInt8]) {
        try await send(text + "\r\n")
        let status = try await line()
        guard status.hasPrefix("+OK") else { return (status, []) }
        return (status, try await body())
    }

    /// The lines of a multi-line body as strings.
    func lines(_ text: String) async throws -> (status: String, lines: [String]) {
        let (status, body) = try await multiline(text)
        var lines = String(decoding: body, as: UTF8.self).components(separatedBy: "\r\n")
        if lines.last == "" { lines.removeLast() }
        return (status, lines)
    }

    /// The body of a multi-line response up to "." CRLF, with byte-stuffing removed.
    func body() async throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let line = try await rawLine()
            if line.elementsEqual([UInt8(ascii: "."), 13, 10]) { return body }
            body.append(contentsOf: line.first == UInt8(ascii: ".") ? line.dropFirst() : line[...])
        }
    }
}
