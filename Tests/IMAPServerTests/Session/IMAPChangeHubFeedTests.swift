// The change hub hears of a commit before the writer is answered (MailStore.observeChanges): a
// session that asks right after another session's OK never misses the change (issue 8: sessions
// answer from their event loops, faster than a task reading an async stream got to run).

import MailStore
import NIOEmbedded
import Testing
@testable import IMAPServer

@Suite struct IMAPChangeHubFeedTests {
    @Test func generationMovesBeforeTheWriterIsAnswered() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        let hub = IMAPChangeHub(store: fixture.store)
        let inbox = try #require(try await fixture.store.mailbox(accountID: fixture.alice.id, name: "INBOX"))
        let channel = EmbeddedChannel()
        let start = hub.watch(inbox.id, channel: channel, wake: false)
        let running = Task { await hub.run() }
        // Until the hub has registered, a delivery may pass unannounced: wait for one to arrive.
        var warmUp = try await fixture.deliver("Subject: warm-up\r\n\r\nx\r\n")
        while hub.status(of: inbox.id).highestModSeq == 0 {
            try await Task.sleep(for: .milliseconds(5))
            warmUp = try await fixture.deliver("Subject: warm-up\r\n\r\nx\r\n")
        }
        _ = warmUp
        for round in 0..<20 {
            let before = hub.generation(of: inbox.id)
            let uid = try await fixture.deliver("Subject: \(round)\r\n\r\nx\r\n")
            let status = hub.status(of: inbox.id)
            #expect(status.generation > before, "round \(round)")
            let stored = try await fixture.store.message(mailboxID: inbox.id, uid: uid)
            #expect(status.highestModSeq >= (stored?.modSeq ?? .max), "round \(round)")
        }
        #expect(hub.generation(of: inbox.id) > start)
        running.cancel()
        await running.value
        hub.unwatch(inbox.id, channel: channel)
        _ = try? channel.finish()
    }
}
