// A real SQLiteMailStore in a temporary directory with two accounts, and a real IMAP server on
// 127.0.0.1:0 with its change hub running.

import Auth
import Foundation
import IMAPServer
import Logging
import MailStore
import NIOCore
import NIOSSL

final class IMAPFixture {
    static let alice = "alice@example.test"
    static let bob = "bob@example.test"
    static let password = "secret"

    let directory: URL
    let store: SQLiteMailStore
    let authenticator: Authenticator
    let alice: Account
    let bob: Account

    private init(directory: URL, store: SQLiteMailStore, authenticator: Authenticator, alice: Account, bob: Account) {
        self.directory = directory
        self.store = store
        self.authenticator = authenticator
        self.alice = alice
        self.bob = bob
    }

    static func make(storeConfiguration: SQLiteMailStore.Configuration = .init()) async throws -> IMAPFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("imap-tests-\(UUID().uuidString)")
        let store = try SQLiteMailStore(directory: directory, logger: Logger(label: "test.imap.store"),
                                        configuration: storeConfiguration)
        let hasher = PasswordHasher(configuration: .init(memoryKiB: 8, iterations: 1, parallelism: 1))
        try await store.addDomain("example.test")
        let alice = try await store.addAccount(address: Self.alice, passwordHash: try hasher.hash(password), quotaBytes: nil)
        let bob = try await store.addAccount(address: Self.bob, passwordHash: try hasher.hash(password), quotaBytes: nil)
        return IMAPFixture(directory: directory, store: store, authenticator: Authenticator(store: store, hasher: hasher),
                           alice: alice, bob: bob)
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
        try? store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    func configuration(tls: NIOSSLContext? = nil, implicitTLS: Bool = false,
                       allowPlaintextAuth: @escaping @Sendable (String, Bool) -> Bool = IMAPServer.Configuration.tlsOrLoopback,
                       framer: IMAPCommandFramer.Configuration = IMAPCommandFramer.Configuration()) -> IMAPServer.Configuration {
        IMAPServer.Configuration(host: "127.0.0.1", port: 0, hostname: "imap.test", tlsContext: tls,
                                 implicitTLS: implicitTLS, allowPlaintextAuth: allowPlaintextAuth, framer: framer,
                                 shutdownGracePeriod: .seconds(5))
    }

    /// Runs `body` against a running server, then shuts it down and waits for `run()` to return.
    func withServer(_ configuration: IMAPServer.Configuration? = nil,
                    _ body: (IMAPServer, Int) async throws -> Void) async throws {
        var logger = Logger(label: "test.imap")
        logger.logLevel = .critical
        let hub = IMAPChangeHub(store: store)
        let server = IMAPServer(configuration: configuration ?? self.configuration(), store: store,
                                authenticator: authenticator, changeHub: hub, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await hub.run() }
            group.addTask { try await server.run() }
            let port = try await server.localAddress().port ?? 0
            do {
                try await body(server, port)
            } catch {
                server.shutdown()
                group.cancelAll()
                throw error
            }
            server.shutdown()
            group.cancelAll()
        }
    }

    /// A connected, logged-in client.
    func client(port: Int, as user: String = IMAPFixture.alice) async throws -> IMAPTestClient {
        let client = try await IMAPTestClient.connect(port: port)
        try await client.logIn(user, Self.password)
        return client
    }
}
