// A real SQLiteMailStore in a temporary directory with one account, and a real server on 127.0.0.1:0
// (the shared MailServerTestFixture), plus POP3's own helpers.

import Auth
import Foundation
import Logging
import MailStore
import NetworkTestSupport
import NIOCore
import NIOSSL
import POP3Server

extension POP3Server: RunnableTestServer {}

final class POP3Fixture {
    static let address = "alice@example.test"
    static let password = MailServerTestFixture.password

    let base: MailServerTestFixture
    let inbox: Mailbox
    var directory: URL { base.directory }
    var store: SQLiteMailStore { base.store }
    var authenticator: Authenticator { base.authenticator }
    var account: Account { base.accounts[0] }

    private init(base: MailServerTestFixture, inbox: Mailbox) {
        self.base = base
        self.inbox = inbox
    }

    static func make() async throws -> POP3Fixture {
        let base = try await MailServerTestFixture.make(name: "pop3", addresses: [address], scramCredentials: true)
        guard let inbox = try await base.store.mailbox(accountID: base.accounts[0].id, name: "INBOX") else {
            base.tearDown()
            throw StoreError.notFound("INBOX")
        }
        return POP3Fixture(base: base, inbox: inbox)
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
        base.tearDown()
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
        try await MailServerTestFixture.withServer(server, body)
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
