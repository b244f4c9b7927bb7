// A real SQLiteMailStore in a temporary directory with two accounts, and a real ManageSieve
// server on 127.0.0.1:0.

import Auth
import Foundation
import Logging
import MailStore
import ManageSieveServer
import NIOCore
import NIOSSL

final class ManageSieveFixture {
    static let address = "alice@example.test"
    static let otherAddress = "bob@example.test"
    static let password = "secret"

    let directory: URL
    let store: SQLiteMailStore
    let authenticator: Authenticator
    let account: Account
    let other: Account

    private init(directory: URL, store: SQLiteMailStore, authenticator: Authenticator, account: Account, other: Account) {
        self.directory = directory
        self.store = store
        self.authenticator = authenticator
        self.account = account
        self.other = other
    }

    static func make() async throws -> ManageSieveFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("managesieve-tests-\(UUID().uuidString)")
        let store = try SQLiteMailStore(directory: directory, logger: Logger(label: "test.managesieve.store"))
        let hasher = PasswordHasher(configuration: .init(memoryKiB: 8, iterations: 1, parallelism: 1))
        try await store.addDomain("example.test")
        let account = try await store.addAccount(address: address, passwordHash: try hasher.hash(password), quotaBytes: nil)
        let other = try await store.addAccount(address: otherAddress, passwordHash: try hasher.hash(password), quotaBytes: nil)
        return ManageSieveFixture(directory: directory, store: store,
                                  authenticator: Authenticator(store: store, hasher: hasher), account: account, other: other)
    }

    func tearDown() {
        try? store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    func configuration(tls: NIOSSLContext? = nil,
                       allowPlaintextAuth: @escaping @Sendable (String, Bool) -> Bool = ManageSieveServer.Configuration.tlsOrLoopback,
                       idleTimeout: TimeAmount = .minutes(30), preLoginTimeout: TimeAmount? = nil,
                       maxErrors: Int = 10, maxScripts: Int = 100,
                       maxScriptSize: Int = 1 << 20) -> ManageSieveServer.Configuration {
        var configuration = ManageSieveServer.Configuration(host: "127.0.0.1", port: 0, hostname: "sieve.test", tlsContext: tls,
                                        allowPlaintextAuth: allowPlaintextAuth, maxScriptSize: maxScriptSize,
                                        maxScripts: maxScripts, maxErrors: maxErrors, idleTimeout: idleTimeout,
                                        shutdownGracePeriod: .seconds(5))
        configuration.preLoginTimeout = preLoginTimeout
        return configuration
    }

    /// Runs `body` against a running server, then shuts it down and waits for `run()` to return.
    func withServer(_ configuration: ManageSieveServer.Configuration, throttle: LoginThrottle? = nil,
                    metrics: CountingMetricsFactory? = nil,
                    _ body: (ManageSieveServer, Int) async throws -> Void) async throws {
        var logger = Logger(label: "test.managesieve")
        logger.logLevel = .critical
        let server = ManageSieveServer(configuration: configuration, store: store, authenticator: authenticator,
                                       logger: logger, metricsFactory: metrics, loginThrottle: throttle)
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

    /// PLAIN initial response for `user`/`password`, base64.
    static func plain(_ user: String = address, _ password: String = password, authzid: String = "") -> String {
        Data(Array(authzid.utf8) + [0] + Array(user.utf8) + [0] + Array(password.utf8)).base64EncodedString()
    }

    /// Connects, reads the greeting and logs in with PLAIN.
    func login(port: Int, as user: String = address) async throws -> ManageSieveTestClient {
        let client = try await ManageSieveTestClient.connect(port: port)
        _ = try await client.response()
        let reply = try await client.command("AUTHENTICATE \"PLAIN\" \"\(Self.plain(user))\"")
        guard reply.status == "OK" else { throw LoginFailed(reply: reply.final) }
        return client
    }

    struct LoginFailed: Error { var reply: String }
}
