// RETR's exact wire bytes for messages streamed from blob files into ByteBuffers (session 6):
// dots at the start, after a bare LF, exactly at a store-read (1 MiB) boundary, and no final CRLF.

import MailStore
import Testing
@testable import POP3Server

@Suite(.timeLimit(.minutes(2)))
struct POP3StuffingEndToEndTests {
    /// Base64-like lines (no dots) of `count` octets, with `dots` written over it at the given
    /// offsets as "\n." (or "." at offset 0), and no final line ending.
    static func message(count: Int, dotsAt offsets: [Int], bareLFAt bare: Int) -> [UInt8] {
        let line = Array("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count { bytes += line }
        bytes.removeLast(bytes.count - count)
        for offset in offsets {
            if offset > 0 { bytes[offset - 1] = UInt8(ascii: "\n") }
            bytes[offset] = UInt8(ascii: ".")
        }
        bytes[bare - 1] = UInt8(ascii: "\n")   // a bare LF (no CR before it) followed by "."
        bytes[bare - 2] = UInt8(ascii: "x")
        bytes[bare] = UInt8(ascii: ".")
        bytes[count - 1] = UInt8(ascii: "z")   // no final CRLF
        return bytes
    }

    /// The raw bytes of one multi-line response, up to and including the "." line (read line by
    /// line, so a response with a missing or extra octet still ends the read).
    static func response(_ client: POP3TestClient) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        while true {
            let line = try await client.rawLine()
            bytes += line
            if line.elementsEqual(Array(".\r\n".utf8)) { return bytes }
        }
    }

    @Test func streamedMessagesAreStuffedExactlyOnTheWire() async throws {
        let fixture = try await POP3Fixture.make()
        defer { fixture.tearDown() }
        let read = POP3Connection.storeReadSize
        let messages = [
            // Over one store read: the second read's only dot is its first octet.
            Self.message(count: read + 100_000, dotsAt: [0, read], bareLFAt: 500_000),
            // Between the read-ahead limit and one store read: opened while the first is sent.
            Self.message(count: 300_000, dotsAt: [0, 299_990], bareLFAt: 1000),
            // Small: read while the second is sent, answered from the batch.
            Self.message(count: 5000, dotsAt: [0, 4000], bareLFAt: 2000),
        ]
        for message in messages { try await fixture.append(message) }
        try await fixture.withServer(fixture.configuration()) { _, port in
            let client = try await fixture.login(port: port)
            for (index, message) in messages.enumerated() {
                try await client.send("RETR \(index + 1)\r\n")
                let expected = Array("+OK \(message.count) octets\r\n".utf8) + POP3EncodingTests.referenceStuff(message)
                #expect(try await Self.response(client) == expected, "message \(index + 1)")
            }
            // Out of order and again: the plain streaming path.
            try await client.send("RETR 1\r\n")
            let expected = Array("+OK \(messages[0].count) octets\r\n".utf8) + POP3EncodingTests.referenceStuff(messages[0])
            #expect(try await Self.response(client) == expected)
            #expect(try await client.command("QUIT").hasPrefix("+OK"))
        }
    }
}
