// The setup the POP3, IMAP and ManageSieve end-to-end tests share: a real SQLiteMailStore in a
// temporary directory with accounts of example.test, an authenticator over it, and a way to run a
// real server on 127.0.0.1:0 around a test body. Each protocol's fixture adds its own helpers.

import Auth
import Foundation
import Logging
import MailStore

/// A fresh store with one account per address (password `password` for all), and the
/// authenticator the servers log in with. Call `tearDown()` when the test ends.
public final class MailServerTestFixture {
    public static let password = "secret"

    public let directory: URL
    public let store: SQLiteMailStore
    public let authenticator: Authenticator
    /// One per address given to `make`, in that order.
    public let accounts: [Account]

    private init(directory: URL, store: SQLiteMailStore, authenticator: Authenticator, accounts: [Account]) {
        self.directory = directory
        self.store = store
        self.authenticator = authenticator
        self.accounts = accounts
    }

    /// `name` labels the temporary directory and the store's logger ("pop3", "imap", …).
    /// `scramCredentials`: store SCRAM keys too, as `facteur user add` does, so no login pays for them.
    public static func make(name: String, addresses: [String], scramCredentials: Bool = false,
                            storeConfiguration: SQLiteMailStore.Configuration = .init()) async throws -> MailServerTestFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-tests-\(UUID().uuidString)")
        let store = try SQLiteMailStore(directory: directory, logger: Logger(label: "test.\(name).store"),
                                        configuration: storeConfiguration)
        // Cheapest Argon2 settings: the tests check logins, not hashing strength.
        let hasher = PasswordHasher(configuration: .init(memoryKiB: 8, iterations: 1, parallelism: 1))
        try await store.addDomain("example.test")
        var accounts: [Account] = []
        for address in addresses {
            accounts.append(try await store.addAccount(address: address, passwordHash: try hasher.hash(password),
                                                       quotaBytes: nil))
            if scramCredentials {
                try await store.setSCRAMCredentials(address: address,
                                                    credentials: SCRAMCredentials.derive(password: password).encoded)
            }
        }
        return MailServerTestFixture(directory: directory, store: store,
                                     authenticator: Authenticator(store: store, hasher: hasher), accounts: accounts)
    }

    public func tearDown() {
        try? store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `body` with `server` listening (its port given), then shuts the server down.
    /// `alongside`: a task the server needs that never ends by itself (IMAP's change hub); with
    /// it, the tasks are cancelled after the shutdown; without it, `run()` is awaited to its end
    /// and its error, if any, rethrown.
    public static func withServer<Server: RunnableTestServer>(
        _ server: Server, alongside: (@Sendable () async -> Void)? = nil,
        _ body: (Server, Int) async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let alongside { group.addTask { await alongside() } }
            group.addTask { try await server.run() }
            let port = try await server.localAddress().port ?? 0
            do {
                try await body(server, port)
            } catch {
                server.shutdown()
                if alongside != nil { group.cancelAll() }
                throw error
            }
            server.shutdown()
            if alongside != nil {
                group.cancelAll()
            } else {
                try await group.waitForAll()
            }
        }
    }
}
