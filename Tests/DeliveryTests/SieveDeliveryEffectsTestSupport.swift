import Delivery
import Foundation
import MailStore
import Testing

extension DeliveryFixture {
    /// Writes the `[sieve] before` script (name nil) or global script `name` (fixture made with
    /// `globalScripts: true`).
    func writeGlobal(_ source: String, name: String? = nil) throws {
        let url: URL
        if let name {
            let folder = directory.appendingPathComponent("global")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            url = folder.appendingPathComponent(name + ".sieve")
        } else {
            url = directory.appendingPathComponent("before.sieve")
        }
        try Data(source.utf8).write(to: url)
    }

    @discardableResult
    func deliver(_ bytes: [UInt8], to recipients: [String], reversePath: String = "sender@remote.test",
                 lmtp: Bool = false) async -> [RecipientOutcome] {
        await pipeline.deliver(InboundMessage(
            bytes: bytes,
            envelope: DeliveryEnvelope(reversePath: reversePath, recipients: recipients.map { .init(address: $0) }),
            trace: DeliveryFixture.trace(), repliesPerRecipient: lmtp))
    }

    func queued() async throws -> [OutboundQueueEntry] {
        try await store.outboundQueue()
    }

    func queuedText(_ entry: OutboundQueueEntry) async throws -> String {
        String(decoding: try #require(try await store.outboundContent(id: entry.id)), as: UTF8.self)
    }

    static func message(headers: [String], body: String = "Hi there.") -> [UInt8] {
        Array((headers.joined(separator: "\r\n") + "\r\n\r\n" + body + "\r\n").utf8)
    }
}
