import MailStore
import NIOEmbedded
import Testing
@testable import IMAPServer

/// Account-level watching in the change hub: a NOTIFY session is woken by its own account only.
@Suite struct IMAPChangeHubAccountTests {
    @Test func accountGenerationMovesForItsOwnAccountOnly() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        let hub = IMAPChangeHub(store: fixture.store)
        let channel = EmbeddedChannel()
        let start = hub.watchAccount(fixture.alice.id, channel: channel)
        hub.publish(MailboxChange(accountID: fixture.bob.id, mailboxID: 99, modSeq: 2, kind: .appended(uid: 1)))
        #expect(hub.accountGeneration(of: fixture.alice.id) == start)
        hub.publish(MailboxChange(accountID: fixture.alice.id, mailboxID: 98, modSeq: 2, kind: .appended(uid: 1)))
        #expect(hub.accountGeneration(of: fixture.alice.id) == start &+ 1)
        hub.publishAccountChange(fixture.alice.id)
        #expect(hub.accountGeneration(of: fixture.alice.id) == start &+ 2)
        hub.unwatchAccount(fixture.alice.id, channel: channel)
        hub.publish(MailboxChange(accountID: fixture.alice.id, mailboxID: 98, modSeq: 3, kind: .appended(uid: 2)))
        #expect(hub.accountGeneration(of: fixture.alice.id) == 0)   // nobody watches: nothing kept
        _ = try? channel.finish()
    }
}
