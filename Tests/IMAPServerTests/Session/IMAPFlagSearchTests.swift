// SEARCH on flags alone is answered from the store's UIDs (issue 8): the same responses as the
// row-by-row path, without the messages the session has not been told about yet.

import Foundation
import IMAPServer
import MailStore
import NetworkTestSupport
import Testing

private let note = """
    From: Dan <dan@example.net>\r
    To: alice@example.test\r
    Subject: Note\r
    \r
    Hello.\r

    """

@Suite("IMAP SEARCH on flags alone", .timeLimit(.minutes(1)))
struct IMAPFlagSearchTests {
    @Test("UNSEEN, DELETED UNSEEN, keywords, ESEARCH and UID SEARCH give the messages' numbers; a new arrival waits for EXISTS")
    func flagSearchesAnswerFromTheView() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        // UIDs 1-6: unseen, seen, unseen+deleted, seen+deleted, unseen+$Work, seen+flagged.
        for flags in [[], ["\\Seen"], ["\\Deleted"], ["\\Seen", "\\Deleted"], ["$Work"], ["\\Seen", "\\Flagged"]] {
            _ = try await fixture.deliver(note, flags: flags)
        }
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            #expect(try await client.command("a", "SELECT INBOX").isOK)
            // Expunge 2 in another session: sequence numbers shift once this session hears of it.
            let other = try await fixture.client(port: port)
            #expect(try await other.command("b", "SELECT INBOX").isOK)
            #expect(try await other.command("c", "UID STORE 2 +FLAGS (\\Deleted)").isOK)
            #expect(try await other.command("d", "UID EXPUNGE 2").isOK)

            // Not told yet (SEARCH may not send EXPUNGE, RFC 9051 §7.5.1): UID 2 keeps number 2.
            #expect(try await client.command("e", "SEARCH UNSEEN").untagged.contains("* SEARCH 1 3 5"))
            #expect(try await client.command("e2", "NOOP").untagged.contains("* 2 EXPUNGE"))
            // Now UIDs 1, 3, 4, 5, 6 are messages 1-5.
            #expect(try await client.command("f", "SEARCH UNSEEN").untagged.contains("* SEARCH 1 2 4"))
            #expect(try await client.command("f2", "SEARCH UNSEEN UNDELETED").untagged.contains("* SEARCH 1 4"))
            #expect(try await client.command("g", "SEARCH DELETED SEEN").untagged.contains("* SEARCH 3"))
            #expect(try await client.command("h", "SEARCH KEYWORD $work UNSEEN").untagged.contains("* SEARCH 4"))
            #expect(try await client.command("i", "UID SEARCH UNSEEN").untagged.contains("* SEARCH 1 3 5"))
            #expect(try await client.command("j", "SEARCH FLAGGED UNFLAGGED").untagged.contains("* SEARCH"))
            let extremes = try await client.command("k", "SEARCH RETURN (MIN MAX COUNT) UNSEEN")
            #expect(extremes.untagged.contains("* ESEARCH (TAG \"k\") MIN 1 MAX 4 COUNT 3"), "\(extremes.untagged)")
            // A delivery the session has not announced yet is not searched (its number is unknown).
            _ = try await fixture.deliver(note)
            let before = try await client.command("l", "UID SEARCH UNSEEN")
            let after = try await client.command("m", "UID SEARCH UNSEEN")
            #expect(before.untagged.contains("* SEARCH 1 3 5") || before.untagged.contains("* SEARCH 1 3 5 7"))
            #expect(after.untagged.contains("* SEARCH 1 3 5 7"))
        }
    }
}
