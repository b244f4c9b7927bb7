// A real SQLiteMailStore in a temporary directory with two accounts, and a real IMAP server on
// 127.0.0.1:0 with its change hub running (the shared MailServerTestFixture), plus IMAP's helpers.

import Auth
import Foundation
import IMAPServer
import Logging
import MailStore
import Metrics
import NetworkTestSupport
import NIOCore
import NIOPosix
import NIOSSL

extension IMAPServer: RunnableTestServer {}

final class IMAPFixture {
    static let alice = "alice@example.test"
    static let bob = "bob@example.test"
    static let password = MailServerTestFixture.password

    let base: MailServerTestFixture
    var directory: URL { base.directory }
    var store: SQLiteMailStore { base.store }
    var authenticator: Authenticator { base.authenticator }
    var alice: Account { base.accounts[0] }
    var bob: Account { base.accounts[1] }

    private init(base: MailServerTestFixture) {
        self.base = base
    }

    static func make(storeConfiguration: SQLiteMailStore.Configuration = .init()) async throws -> IMAPFixture {
        IMAPFixture(base: try await MailServerTestFixture.make(name: "imap", addresses: [Self.alice, Self.bob],
                                                               storeConfiguration: storeConfiguration))
    }

    /// Delivers a message to a mailbox the way delivery does (parsed metadata); returns its UID.
    @discardableResult
    func deliver(_ text: String, to account: Account? = nil, mailbox: String = "INBOX", flags: [String] = []) async throws -> UInt32 {
        let prepared = MessagePreparer.prepare(Array(text.utf8))
        let request = AppendRequest(accountID: (account ?? alice).id, mailbox: .name(mailbox),
                                    prefix: Array("Return-Path: <sender@example.net>\r\n".utf8),
                                    content: prepared.content, flags: flags, metadata: prepared.metadata,
                                    searchFields: prepared.searchFields)
        let results = try await store.append([request])
        guard let result = results.first else { throw StoreError.backend("no append result") }
        return try result.get().uid
    }

    func tearDown() {
        base.tearDown()
    }

    func configuration(tls: NIOSSLContext? = nil, implicitTLS: Bool = false,
                       allowPlaintextAuth: @escaping @Sendable (String, Bool) -> Bool = IMAPServer.Configuration.tlsOrLoopback,
                       framer: IMAPCommandFramer.Configuration = IMAPCommandFramer.Configuration()) -> IMAPServer.Configuration {
        IMAPServer.Configuration(host: "127.0.0.1", port: 0, hostname: "imap.test", tlsContext: tls,
                                 implicitTLS: implicitTLS, allowPlaintextAuth: allowPlaintextAuth, framer: framer,
                                 shutdownGracePeriod: .seconds(5))
    }

    /// Runs `body` against a running server, then shuts it down and waits for `run()` to return.
    /// `metrics`: a factory whose counters the test reads (nil: the process-wide default);
    /// `metricsFactory`: any other one. `eventLoopGroup`: where connections run (NIO's singleton).
    func withServer(_ configuration: IMAPServer.Configuration? = nil, metrics: CountingMetricsFactory? = nil,
                    metricsFactory: (any MetricsFactory)? = nil, eventLoopGroup: (any EventLoopGroup)? = nil,
                    _ body: (IMAPServer, Int) async throws -> Void) async throws {
        var logger = Logger(label: "test.imap")
        logger.logLevel = .critical
        let hub = IMAPChangeHub(store: store)
        let server = IMAPServer(configuration: configuration ?? self.configuration(), store: store,
                                authenticator: authenticator, changeHub: hub, logger: logger,
                                eventLoopGroup: eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton,
                                metricsFactory: metricsFactory ?? metrics)
        try await MailServerTestFixture.withServer(server, alongside: { await hub.run() }, body)
    }

    /// A connected, logged-in client.
    func client(port: Int, as user: String = IMAPFixture.alice) async throws -> IMAPTestClient {
        let client = try await IMAPTestClient.connect(port: port)
        try await client.logIn(user, Self.password)
        return client
    }
}
