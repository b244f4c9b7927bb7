// A real SQLiteMailStore in a temporary directory with one account, and a real server on 127.0.0.1:0.

import Auth
import Foundation
import Logging
import MailStore
import NIOCore
import NIOSSL
import POP3Server

final class POP3Fixture {
    static let address = "alice@example.test"
    static let password = "secret"

    let directory: URL
    let store: SQLiteMailStore
    let authenticator: Authenticator
    let account: Account
    let inbox: Mailbox

    private init(directory: URL, store: SQLiteMailStore, authenticator: Authenticator, account: Account, inbox: Mailbox) {
        self.directory = directory
        self.store = store
        self.authenticator = authenticator
        self.account = account
        self.inbox = inbox
    }

    static func make() async throws -> POP3Fixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pop3-tests-\(UUID().uuidString)")
        let store = try SQLiteMailStore(directory: directory, logger: Logger(label: "test.pop3.store"))
        let hasher = PasswordHasher(configuration: .init(memoryKiB: 8, iterations: 1, parallelism: 1))
        try await store.addDomain("example.test")
        let account = try await store.addAccount(address: address, passwordHash: try hasher.hash(password), quotaBytes: nil)
        // As `facteur user add` does: the SCRAM keys exist from the start, so no login pays for them.
        try await store.setSCRAMCredentials(address: address, credentials: SCRAMCredentials.derive(password: password).encoded)
        guard let inbox = try await store.mailbox(accountID: account.id, name: "INBOX") else {
            throw StoreError.notFound("INBOX")
        }
        return POP3Fixture(directory: directory, store: store, authenticator: Authenticator(store: store, hasher: hasher),
                           account: account, inbox: inbox)
    }

    /// Appends a message to INBOX; returns its UID.
    @discardableResult
    func append(_ bytes: [UInt8]) async throws -> UInt32 {
        let results = try await store.append([AppendRequest(accountID: account.id, content: MessageContent(bytes: bytes))])
        guard let result = results.first else { throw StoreError.backend("no append result") }
        return try result.get().uid
    }

    @discardableResult
    func append(_ text: String) async throws -> UInt32 {
        try await append(Array(text.utf8))
    }

    func inboxUIDs() async throws -> [UInt32] {
        try await store.messages(mailboxID: inbox.id).map(\.uid)
    }

    func tearDown() {
        try? store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    func configuration(tls: NIOSSLContext? = nil, implicitTLS: Bool = false,
                       allowPlaintextAuth: @escaping @Sendable (String, Bool) -> Bool = POP3Server.Configuration.tlsOrLoopback,
                       idleTimeout: TimeAmount = .minutes(10), maxErrors: Int = 10) -> POP3Server.Configuration {
        POP3Server.Configuration(host: "127.0.0.1", port: 0, hostname: "pop.test", tlsContext: tls,
                                 implicitTLS: implicitTLS, allowPlaintextAuth: allowPlaintextAuth, maxErrors: maxErrors,
                                 idleTimeout: idleTimeout, shutdownGracePeriod: .seconds(5))
    }

    /// Runs `body` against a running server, then shuts it down and waits for `run()` to return.
    func withServer(_ configuration: POP3Server.Configuration,
                    _ body: (POP3Server, Int) async throws -> Void) async throws {
        var logger = Logger(label: "test.pop3")
        logger.logLevel = .critical
        let server = POP3Server(configuration: configuration, store: store, authenticator: authenticator, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.localAddress().port ?? 0
            do {
                try await body(server, port)
            } catch {
                server.shutdown()
                throw error
            }
            server.shutdown()
            try await group.waitForAll()
        }
    }

    /// Connects and logs in with USER/PASS; returns the client after "+OK".
    func login(port: Int) async throws -> POP3TestClient {
        let client = try await POP3TestClient.connect(port: port)
        _ = try await client.line()
        _ = try await client.command("USER \(Self.address)")
        let reply = try await client.command("PASS \(Self.password)")
        guard reply.hasPrefix("+OK") else { throw LoginFailed(reply: reply) }
        return client
    }

    struct LoginFailed: Error { var reply: String }
}
