// SEARCH FROM/TO/SUBJECT tested by the store on each stored summary (issue 8): messages without a
// summary are still found (parsed from their bytes) and the numbers come back in order.

import Foundation
import IMAPServer
import MailStore
import NetworkTestSupport
import Testing

private func message(from: String, to: String, subject: String) -> String {
    "From: \(from)\r\nTo: \(to)\r\nSubject: \(subject)\r\n\r\nHello.\r\n"
}

@Suite("IMAP SEARCH on stored summaries", .timeLimit(.minutes(1)))
struct IMAPSummarySearchTests {
    @Test("FROM, TO, NOT and OR over messages with and without a stored summary")
    func summarySearchMergesWhatItCouldNotDecide() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        try await fixture.deliver(message(from: "Alice <alice@example.org>", to: "Bob <bob@example.org>", subject: "one"))
        // UID 2 has no summary (as an import without metadata): it is parsed from its bytes.
        let bare = message(from: "Alice <alice@example.org>", to: "Carol <carol@example.org>", subject: "two")
        _ = try await fixture.store.append([AppendRequest(accountID: fixture.alice.id, content: MessageContent(bytes: Array(bare.utf8)))])
            .map { try $0.get() }
        try await fixture.deliver(message(from: "Bob <bob@example.org>", to: "Alice <alice@example.org>", subject: "Jürgen"))
        try await fixture.deliver(message(from: "=?UTF-8?Q?Andr=C3=A9?= <alice@example.org>", to: "Dan <dan@example.org>",
                                          subject: "four"))
        try await fixture.withServer { _, port in
            let client = try await fixture.client(port: port)
            #expect(try await client.command("a", "SELECT INBOX").isOK)
            #expect(try await client.command("b", "SEARCH FROM alice").untagged.contains("* SEARCH 1 2 4"))
            #expect(try await client.command("c", "SEARCH TO alice").untagged.contains("* SEARCH 3"))
            #expect(try await client.command("d", "SEARCH NOT FROM alice").untagged.contains("* SEARCH 3"))
            #expect(try await client.command("e", "SEARCH OR TO carol SUBJECT four").untagged.contains("* SEARCH 2 4"))
            #expect(try await client.command("f", "UID SEARCH CHARSET UTF-8 FROM \"andré\"").untagged.contains("* SEARCH 4"))
            #expect(try await client.command("g", "SEARCH CHARSET UTF-8 SUBJECT \"JÜRGEN\"").untagged.contains("* SEARCH 3"))
            #expect(try await client.command("h", "SEARCH FROM nobody").untagged.contains("* SEARCH"))
            let counted = try await client.command("i", "SEARCH RETURN (COUNT) FROM alice")
            #expect(counted.untagged.contains("* ESEARCH (TAG \"i\") COUNT 3"), "\(counted.untagged)")
        }
    }
}
