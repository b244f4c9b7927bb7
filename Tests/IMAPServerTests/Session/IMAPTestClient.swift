// IMAP on top of the shared line client: tagged commands, responses with literals folded in.

import NetworkTestSupport

typealias IMAPTestClient = TestLineClient

/// What a command got back: every untagged line (literals inlined as text) and the completion.
struct IMAPReply {
    var untagged: [String]
    var tagged: String

    /// "OK", "NO" or "BAD".
    var status: String { tagged.split(separator: " ").dropFirst().first.map(String.init) ?? "" }
    var isOK: Bool { status == "OK" }

    func lines(starting prefix: String) -> [String] {
        untagged.filter { $0.hasPrefix(prefix) }
    }
}

extension TestLineClient {
    /// One response line with the literals it announces read and inlined.
    func response() async throws -> String {
        var text = ""
        while true {
            let line = try await self.line()
            text += line
            guard line.hasSuffix("}"), let open = line.lastIndex(of: "{"),
                  let count = Int(line[line.index(after: open)..<line.index(before: line.endIndex)].filter { $0 != "+" }) else {
                return text
            }
            text += "\r\n" + String(decoding: try await bytes(count), as: UTF8.self)
        }
    }

    /// Sends `tag text` and reads up to the tagged completion.
    func command(_ tag: String, _ text: String) async throws -> IMAPReply {
        try await send("\(tag) \(text)\r\n")
        return try await reply(tag)
    }

    func reply(_ tag: String) async throws -> IMAPReply {
        var untagged: [String] = []
        while true {
            let line = try await response()
            if line.hasPrefix(tag + " ") { return IMAPReply(untagged: untagged, tagged: line) }
            untagged.append(line)
        }
    }

    /// Reads the greeting and logs in.
    func logIn(_ user: String, _ password: String) async throws {
        _ = try await line()
        let reply = try await command("L", "LOGIN \(user) \(password)")
        guard reply.isOK else { throw Malformed() }
    }
}
