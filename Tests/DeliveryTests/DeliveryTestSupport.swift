import Delivery
import Foundation
import Logging
import MailStore

/// A real SQLite store in a fresh temporary directory, with one domain and a few accounts.
struct DeliveryFixture {
    let directory: URL
    let store: SQLiteMailStore
    let pipeline: DeliveryPipeline

    /// - Parameter globalScripts: set `[sieve] before` to `before.sieve` and `global_dir` to
    ///   `global/` in the fixture's directory (write them with `writeGlobal`).
    init(quota: Int64? = nil, globalScripts: Bool = false,
         mailboxLimits: MailboxLimits = MailboxLimits()) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("facteur-delivery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteMailStore(directory: directory, logger: Logger(label: "test"))
        try await store.addDomain("example.test")
        try await store.addAccount(address: "alice@example.test", passwordHash: "x", quotaBytes: nil)
        try await store.addAccount(address: "bob@example.test", passwordHash: "x", quotaBytes: quota)
        try await store.addAccount(address: "carol@example.test", passwordHash: "x", quotaBytes: nil)
        var configuration = DeliveryConfiguration(hostname: "mx.example.test")
        if globalScripts {
            configuration.sieveBeforePath = directory.appendingPathComponent("before.sieve").path
            configuration.sieveGlobalDirectory = directory.appendingPathComponent("global").path
        }
        configuration.mailboxLimits = mailboxLimits
        pipeline = DeliveryPipeline(store: store, configuration: configuration, logger: Logger(label: "test"))
    }

    func inbox(_ address: String) async throws -> [StoredMessage] {
        guard let account = try await store.account(address: address),
              let inbox = try await store.mailbox(accountID: account.id, name: "INBOX") else { return [] }
        return try await store.messages(mailboxID: inbox.id)
    }

    func text(of message: StoredMessage) async throws -> String {
        String(decoding: try await store.messageBytes(message), as: UTF8.self)
    }

    static func message(subject: String = "Hello", body: String = "Hi there.") -> [UInt8] {
        Array("From: Sender <sender@remote.test>\r\nTo: alice@example.test\r\nSubject: \(subject)\r\nDate: Sun, 29 Nov 2026 10:00:00 +0000\r\nMessage-ID: <m1@remote.test>\r\n\r\n\(body)\r\n".utf8)
    }

    static func trace() -> ReceptionTrace {
        ReceptionTrace(heloName: "client.remote.test", remoteAddress: "127.0.0.1", protocolName: "ESMTP",
                       traceID: ReceptionTrace.makeTraceID(), receivedAt: Date(timeIntervalSince1970: 1_800_000_000))
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: directory)
    }
}
