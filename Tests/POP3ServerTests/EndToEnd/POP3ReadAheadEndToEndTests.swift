// RETR answered from read-ahead: a mailbox of small messages (inline in the store) with larger
// ones (blob files, opened ahead) in between, downloaded in order, out of order, and after DELE.

import Foundation
import MailStore
import Testing
@testable import POP3Server

@Suite(.timeLimit(.minutes(2)))
struct POP3ReadAheadEndToEndTests {
    /// Message `index`: small, with dot-stuffing to do; 3 is ~100 KB (a blob file, read with the
    /// batch); 5, 6 and 11 are ~300 KB (above the batch limit: opened ahead while the message before
    /// them is sent).
    static func message(_ index: Int) -> [UInt8] {
        var text = "Subject: message \(index)\r\n\r\n.dot line \(index)\r\nbody \(index)\r\n"
        if [3, 5, 6, 11].contains(index) {
            for line in 0..<(index == 3 ? 100 : 300) {
                text += ".\(String(repeating: "y", count: 990)) \(index) \(line)\r\n"
            }
        }
        if index == 9 { text += "no final line ending" }
        return Array(text.utf8)
    }

    static let count = 12

    static func withMailbox(_ body: (POP3Fixture, Int) async throws -> Void) async throws {
        let fixture = try await POP3Fixture.make()
        defer { fixture.tearDown() }
        for index in 1...count { try await fixture.append(message(index)) }
        try await fixture.withServer(fixture.configuration()) { _, port in try await body(fixture, port) }
    }

    @Test func inOrderDownloadIsByteExact() async throws {
        try await Self.withMailbox { fixture, port in
            let client = try await fixture.login(port: port)
            for number in 1...Self.count {
                let retr = try await client.multiline("RETR \(number)")
                let expected = Self.message(number)
                #expect(retr.status == "+OK \(expected.count) octets")
                // The un-stuffed body of a message without a final CRLF has one added (RFC 1939 §3).
                #expect(retr.body == (number == 9 ? expected + [13, 10] : expected), "RETR \(number)")
            }
            #expect(try await client.command("QUIT").hasPrefix("+OK"))
        }
    }

    @Test func outOfOrderRepeatedAndDeletedMessages() async throws {
        try await Self.withMailbox { fixture, port in
            let client = try await fixture.login(port: port)
            for number in [2, 3, 2, 11, 1, 4, 4] {
                #expect(try await client.multiline("RETR \(number)").body == Self.message(number), "RETR \(number)")
            }
            // 8 is read ahead by RETR 7, then deleted: refused as a deleted message, until RSET.
            #expect(try await client.multiline("RETR 7").body == Self.message(7))
            #expect(try await client.command("DELE 8") == "+OK message 8 deleted")
            #expect(try await client.command("RETR 8") == "-ERR message 8 already deleted")
            #expect(try await client.command("RSET").hasPrefix("+OK"))
            #expect(try await client.multiline("RETR 8").body == Self.message(8))
            // 5 is opened while RETR 4 is sent; deleted, it is refused, and 6 is read by its own RETR.
            #expect(try await client.multiline("RETR 4").body == Self.message(4))
            #expect(try await client.command("DELE 5") == "+OK message 5 deleted")
            #expect(try await client.command("RETR 5") == "-ERR message 5 already deleted")
            #expect(try await client.multiline("RETR 6").body == Self.message(6))
            #expect(try await client.command("RSET").hasPrefix("+OK"))
            #expect(try await client.multiline("RETR 5").body == Self.message(5))
            // TOP reads the stored message itself, whatever was read ahead.
            let top = try await client.multiline("TOP 10 0")
            #expect(top.body == Array("Subject: message 10\r\n\r\n".utf8))
            #expect(try await client.command("QUIT").hasPrefix("+OK"))
        }
    }

    @Test func pipelinedDeleteIsSeenBeforeAnAnswerReadAhead() async throws {
        try await Self.withMailbox { fixture, port in
            let client = try await fixture.login(port: port)
            #expect(try await client.multiline("RETR 1").body == Self.message(1))
            // 2, 3 and 4 were read ahead by RETR 1 and offered to the framing handler.
            try await client.send("RETR 2\r\nDELE 3\r\nRETR 3\r\nretr 4\r\nLIST 3\r\nRETR 2\r\n")
            #expect(try await client.line() == "+OK \(Self.message(2).count) octets")
            #expect(try await client.body() == Self.message(2))
            #expect(try await client.line() == "+OK message 3 deleted")
            #expect(try await client.line() == "-ERR message 3 already deleted")
            #expect(try await client.line() == "+OK \(Self.message(4).count) octets")
            #expect(try await client.body() == Self.message(4))
            #expect(try await client.line() == "-ERR message 3 already deleted")
            // A second RETR of a message answered ahead reads it again.
            #expect(try await client.line() == "+OK \(Self.message(2).count) octets")
            #expect(try await client.body() == Self.message(2))
            #expect(try await client.command("QUIT").hasPrefix("+OK"))
        }
    }

    @Test func batchReadWhileALargeMessageIsSentHonoursLaterDeletions() async throws {
        try await Self.withMailbox { fixture, port in
            let client = try await fixture.login(port: port)
            // 7-10 are read while 6 (large) is sent.
            #expect(try await client.multiline("RETR 6").body == Self.message(6))
            #expect(try await client.command("DELE 8") == "+OK message 8 deleted")
            #expect(try await client.command("RETR 8") == "-ERR message 8 already deleted")
            for number in [7, 9, 10] {
                // 9 has no final line ending: RFC 1939 §3 adds one.
                let expected = Self.message(number) + (number == 9 ? [13, 10] : [])
                #expect(try await client.multiline("RETR \(number)").body == expected, "RETR \(number)")
            }
            // Pipelined behind a large RETR: waits for the batch (12) and is answered from it.
            try await client.send("RETR 11\r\nRETR 12\r\n")
            #expect(try await client.line() == "+OK \(Self.message(11).count) octets")
            #expect(try await client.body() == Self.message(11))
            #expect(try await client.line() == "+OK \(Self.message(12).count) octets")
            #expect(try await client.body() == Self.message(12))
            #expect(try await client.command("QUIT").hasPrefix("+OK"))
        }
    }

    @Test func expungedMessageInTheBatchFallsBackToOneByOne() async throws {
        try await Self.withMailbox { fixture, port in
            let client = try await fixture.login(port: port)
            // Message 3 goes behind the session's back: the batch of RETR 2 (2, 3, 4) fails, so
            // RETR 2 reads alone, and RETR 3 is reported as before read-ahead existed.
            let uids = try await fixture.inboxUIDs()
            _ = try await fixture.store.expunge(mailboxID: fixture.inbox.id, uids: [uids[2]])
            #expect(try await client.multiline("RETR 2").body == Self.message(2))
            #expect(try await client.command("RETR 3") == "-ERR message was removed by another session")
            #expect(try await client.multiline("RETR 4").body == Self.message(4))
            #expect(try await client.command("QUIT").hasPrefix("+OK"))
        }
    }
}
