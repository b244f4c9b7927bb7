// A real SQLiteMailStore in a temporary directory with two accounts, and a real ManageSieve
// server on 127.0.0.1:0 (the shared MailServerTestFixture), plus ManageSieve's own helpers.

import Auth
import Foundation
import Logging
import MailStore
import ManageSieveServer
import NetworkTestSupport
import NIOCore
import NIOSSL

extension ManageSieveServer: RunnableTestServer {}

final class ManageSieveFixture {
    static let address = "alice@example.test"
    static let otherAddress = "bob@example.test"
    static let password = MailServerTestFixture.password

    let base: MailServerTestFixture
    var directory: URL { base.directory }
    var store: SQLiteMailStore { base.store }
    var authenticator: Authenticator { base.authenticator }
    var account: Account { base.accounts[0] }
    var other: Account { base.accounts[1] }

    private init(base: MailServerTestFixture) {
        self.base = base
    }

    static func make() async throws -> ManageSieveFixture {
        ManageSieveFixture(base: try await MailServerTestFixture.make(name: "managesieve", addresses: [address, otherAddress]))
    }

    func tearDown() {
        base.tearDown()
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
        try await MailServerTestFixture.withServer(server, body)
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
