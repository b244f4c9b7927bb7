// The real server (configuration, store, TLS, SMTP and HTTP listeners) started in-process on port
// 0 with a temporary data directory, driven as a client.
import FacteurServer
import Foundation
import Logging
import MailStore
import Synchronization
import Testing

/// Boots FacteurApplication, waits for its listeners, runs `body`, then cancels the server.
func withRunningServer(_ body: @Sendable (StoreHandle, [ListenerName: Int]) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("facteur-e2e-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    var configuration = FacteurConfiguration.developmentDefaults()
    configuration.dataDirectory = directory.path
    configuration.hostname = "mx.e2e.test"
    configuration.listeners = [.smtp: ListenerAddress(host: "127.0.0.1", port: 0),
                               .lmtp: ListenerAddress(host: "127.0.0.1", port: 0)]
    let handle = try StoreHandle.open(configuration: configuration, logger: Logger(label: "e2e"))
    try await handle.administration.addDomain("e2e.test")
    try await handle.administration.addUser(address: "alice@e2e.test", password: nil,
                                            passwordHash: "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA", quotaBytes: nil)

    let ports = Mutex<[ListenerName: Int]>([:])
    let application = FacteurApplication(
        configuration: configuration, metrics: .unbootstrapped(), logger: Logger(label: "e2e"),
        onListening: { name, address in ports.withLock { $0[name] = address.port } })
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await application.run() }
        var bound: [ListenerName: Int] = [:]
        for _ in 0..<600 {
            bound = ports.withLock { $0 }
            if bound.count == 2 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        try #require(bound.count == 2, "listeners did not come up")
        try await body(handle, bound)
        group.cancelAll()
    }
}

@Suite struct SMTPDeliveryEndToEndTests {
    @Test func smtpTranscriptStoresTheMessage() async throws {
        try await withRunningServer { handle, ports in
            let client = try LineClient(port: try #require(ports[.smtp]))
            #expect(try await client.reply().code == 220)
            #expect(try await client.command("EHLO e2e-client") == 250)
            #expect(try await client.command("MAIL FROM:<sender@remote.test>") == 250)
            #expect(try await client.command("RCPT TO:<alice@e2e.test>") == 250)
            #expect(try await client.command("RCPT TO:<bob@e2e.test>") == 550)
            #expect(try await client.command("RCPT TO:<x@relay.test>") == 554)
            #expect(try await client.command("DATA") == 354)
            try await client.send("Subject: e2e\r\n\r\n..leading dot\r\n.\r\n")
            #expect(try await client.reply().code == 250)
            #expect(try await client.command("QUIT") == 221)

            let store = handle.store
            let account = try #require(try await store.account(address: "alice@e2e.test"))
            let inbox = try #require(try await store.mailbox(accountID: account.id, name: "INBOX"))
            let messages = try await store.messages(mailboxID: inbox.id)
            #expect(messages.count == 1)
            let text = String(decoding: try await store.messageBytes(try #require(messages.first)), as: UTF8.self)
            #expect(text.hasPrefix("Return-Path: <sender@remote.test>\r\nDelivered-To: alice@e2e.test\r\nReceived: from e2e-client ([127.0.0.1])"))
            #expect(text.hasSuffix("Subject: e2e\r\n\r\n.leading dot\r\n"))
        }
    }

    @Test func lmtpAnswersEachRecipient() async throws {
        try await withRunningServer { handle, ports in
            try await handle.administration.addUser(address: "bob@e2e.test", password: nil,
                                                    passwordHash: "$6$saltsalt$x", quotaBytes: 1)
            let client = try LineClient(port: try #require(ports[.lmtp]))
            #expect(try await client.reply().code == 220)
            #expect(try await client.command("LHLO e2e-client") == 250)
            #expect(try await client.command("MAIL FROM:<>") == 250)
            #expect(try await client.command("RCPT TO:<alice@e2e.test>") == 250)
            #expect(try await client.command("RCPT TO:<bob@e2e.test>") == 250)
            #expect(try await client.command("DATA") == 354)
            try await client.send("Subject: lmtp\r\n\r\nhello\r\n.\r\n")
            #expect(try await client.reply().code == 250)   // alice
            #expect(try await client.reply().code == 552)   // bob: over his 1-byte quota
        }
    }
}
