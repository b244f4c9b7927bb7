// A ManageSieve client for the tests: sends commands, reads data lines and literals up to the
// completion response (OK/NO/BYE).

import NetworkTestSupport

final class ManageSieveTestClient {
    /// Everything the server sent for one command.
    struct Response {
        /// Data lines before the completion, literals inlined (`{n}` CRLF octets joined to the line).
        var lines: [String]
        /// The completion line, literals inlined.
        var final: String
        var status: String { String(final.prefix { $0 != " " }) }
    }

    let connection: TestLineClient

    private init(connection: TestLineClient) {
        self.connection = connection
    }

    static func connect(port: Int) async throws -> ManageSieveTestClient {
        ManageSieveTestClient(connection: try await TestLineClient.connect(port: port))
    }

    func send(_ text: String) async throws {
        try await connection.send(text)
    }

    /// Sends `text` + CRLF and reads the response.
    func command(_ text: String) async throws -> Response {
        try await connection.send(text + "\r\n")
        return try await response()
    }

    /// Reads lines until one starts with OK, NO or BYE.
    func response() async throws -> Response {
        var lines: [String] = []
        while true {
            let line = try await logicalLine()
            let upper = line.uppercased()
            if upper == "OK" || upper == "NO" || upper == "BYE" || upper.hasPrefix("OK ") || upper.hasPrefix("NO ")
                || upper.hasPrefix("BYE ") {
                return Response(lines: lines, final: line)
            }
            lines.append(line)
        }
    }

    /// One line with any `{n}` literal it announces read and inlined.
    func logicalLine() async throws -> String {
        var result = ""
        while true {
            let line = try await connection.line()
            result += line
            guard line.hasSuffix("}"), let open = line.lastIndex(of: "{"),
                  let count = Int(line[line.index(after: open)..<line.index(before: line.endIndex)]) else {
                return result
            }
            result += "\r\n" + String(decoding: try await connection.bytes(count), as: UTF8.self)
        }
    }

    func isClosedByServer() async -> Bool {
        await connection.isClosedByServer()
    }

    func startTLS() async throws {
        try await connection.startTLS()
    }

    func close() async {
        await connection.close()
    }
}
