// RETR and TOP (RFC 1939 §7): the message streamed from the store in chunks, byte-stuffed on the
// way, never copied whole a second time.

import MailStore
import NIOCore

extension POP3Connection {
    /// Sends "+OK", the message (or its TOP part) in `chunkSize` pieces, and the final ".".
    /// The outbound writer suspends while the socket is not writable: that is the backpressure.
    func retrieve(_ entry: POP3Maildrop.Entry, bodyLines: Int?, _ outbound: Outbound) async throws {
        let bytes: [UInt8]
        do {
            bytes = try await store.messageBytes(entry.message)
        } catch StoreError.notFound {
            // An IMAP session expunged it after our snapshot.
            try await send(.err("message was removed by another session"), then: .command, outbound)
            return
        } catch {
            logger.error("cannot read message", metadata: ["pop3.uid": "\(entry.message.uid)", "error": "\(error)"])
            try await send(.err("message temporarily unavailable", code: .sysTemp), then: .command, outbound)
            return
        }
        let end = bodyLines.map { POP3MessageExtent.topLength(of: bytes, bodyLines: $0) } ?? bytes.count
        let status: POP3Response = bodyLines == nil ? .ok("\(entry.message.size) octets") : .ok("top of message follows")
        if logger.logLevel <= .trace { logger.trace("S: \(status) <\(end) octets>") }

        let allocator = channel.channel.allocator
        // Room for the chunk plus a little stuffing, so most chunks never reallocate.
        let capacity = min(end, chunkSize) + chunkSize / 16 + 64
        var out = allocator.buffer(capacity: capacity)
        status.encode(into: &out)
        var stuffer = POP3DotStuffer()
        var offset = 0
        while offset < end {
            let next = min(offset + chunkSize, end)
            stuffer.append(bytes[offset..<next], to: &out)
            offset = next
            if offset < end {
                try await outbound.write(.send(out, then: .more))
                out = allocator.buffer(capacity: capacity)
            }
        }
        stuffer.finish(into: &out)
        try await outbound.write(.send(out, then: .command))
        metrics.retrievedBytes.increment(by: end)
    }
}
