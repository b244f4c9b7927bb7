// The autologout timer end to end (RFC 9051 §5.4): a real server, a logged-in client that goes
// quiet, `* BYE` and a close. The configuration file keeps the RFC's 30 minutes as its floor
// (limits.imap_autologout_seconds); the server's configuration property is set lower here.

import Foundation
import IMAPServer
import NetworkTestSupport
import NIOCore
import Testing

@Suite("IMAP autologout", .timeLimit(.minutes(1)))
struct IMAPAutologoutTests {
    @Test("an authenticated connection that stays silent gets * BYE after the autologout time, then is closed")
    func silentAuthenticatedConnectionIsLoggedOut() async throws {
        let fixture = try await IMAPFixture.make()
        defer { fixture.tearDown() }
        var configuration = fixture.configuration()
        // The initializer clamps to 30 minutes (§5.4 "MUST be of at least 30 minutes"); the
        // property is not clamped, so a test need not wait that long.
        // 3 s, not less: under a loaded test run a client's next command can lag by a second.
        configuration.autologout = .seconds(3)
        try await fixture.withServer(configuration) { _, port in
            let client = try await fixture.client(port: port)
            #expect(try await client.command("s", "SELECT INBOX").isOK)
            // Each command restarts the timer: a client that keeps talking is not logged out.
            for index in 0..<3 {
                try await Task.sleep(for: .milliseconds(300))
                #expect(try await client.command("n\(index)", "NOOP").isOK)
            }
            let clock = ContinuousClock()
            let quietSince = clock.now
            let bye = try await client.line()
            let waited = clock.now - quietSince
            #expect(bye.hasPrefix("* BYE"), "\(bye)")
            // The server starts its timer before the client reads the last OK: under load the client sees
            // less than the full 3 s, never nothing.
            #expect(waited >= .milliseconds(1_500) && waited < .seconds(20), "\(waited)")
            #expect(await client.isClosedByServer())
        }
    }
}
