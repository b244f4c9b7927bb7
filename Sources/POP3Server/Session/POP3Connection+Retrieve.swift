// RETR and TOP (RFC 1939 §7): the message streamed from the store in chunks, byte-stuffed on the
// way. RETR reads the stored bytes chunk by chunk (a 50 MB message is never in memory whole); TOP
// reads the message once to find where its header and first lines end.

import MailStore
import NIOCore

extension POP3Connection {
    static let storeReadSize = 1 << 20

    /// Sends "+OK", the message (or its TOP part) in `chunkSize` pieces, and the final ".".
    /// The outbound writer suspends while the socket is not writable: that is the backpressure.
    func retrieve(_ entry: POP3Maildrop.Entry, bodyLines: Int?, _ outbound: Outbound) async throws {
        let chunks: AsyncThrowingStream<[UInt8], any Error>
        do {
            if let bodyLines {
                let bytes = try await store.messageBytes(entry.message)
                let end = POP3MessageExtent.topLength(of: bytes, bodyLines: bodyLines)
                chunks = AsyncThrowingStream { continuation in
                    continuation.yield(Array(bytes[..<end]))
                    continuation.finish()
                }
            } else {
                // Large reads (one file-queue hop per MiB, not per 64 KB) keep big RETRs fast; the
                // memory held per RETR stays bounded at about two reads.
                chunks = try await store.messageChunks(entry.message, chunkSize: max(chunkSize, Self.storeReadSize))
            }
        } catch StoreError.notFound {
            // An IMAP session expunged it after our snapshot.
            try await send(.err("message was removed by another session"), then: .command, outbound)
            return
        } catch {
            logger.error("cannot read message", metadata: ["pop3.uid": "\(entry.message.uid)", "error": "\(error)"])
            try await send(.err("message temporarily unavailable", code: .sysTemp), then: .command, outbound)
            return
        }
        let status: POP3Response = bodyLines == nil ? .ok("\(entry.message.size) octets") : .ok("top of message follows")
        if logger.logLevel <= .trace { logger.trace("S: \(status)") }

        let allocator = channel.channel.allocator
        // Room for a whole store read plus a little stuffing (most messages fit in one), so the
        // stuffer rarely reallocates.
        let readSize = max(chunkSize, Self.storeReadSize)
        let capacity = min(entry.message.size, readSize) + readSize / 16 + 64
        var out = allocator.buffer(capacity: capacity)
        status.encode(into: &out)
        var stuffer = POP3DotStuffer()
        var sent = 0
        do {
            for try await chunk in chunks {
                stuffer.append(chunk[...], to: &out)
                sent += chunk.count
                if out.readableBytes >= chunkSize {
                    // Each store read goes out as `chunkSize` slices of one buffer (no copies),
                    // handed over in one call: one hop to the event loop and one flush per read,
                    // not per slice.
                    var pieces: [POP3OutboundInstruction] = []
                    while out.readableBytes > 0, let piece = out.readSlice(length: min(chunkSize, out.readableBytes)) {
                        pieces.append(.send(piece, then: .more))
                    }
                    try await outbound.write(contentsOf: pieces)
                    out = allocator.buffer(capacity: capacity)
                }
            }
        } catch {
            // The "+OK" may be on the wire already: the only honest end is to close the connection
            // (RFC 1939 has no way to abort a multi-line response).
            logger.error("reading message failed mid-RETR", metadata: ["pop3.uid": "\(entry.message.uid)", "error": "\(error)"])
            throw error
        }
        stuffer.finish(into: &out)
        try await outbound.write(.send(out, then: .command))
        metrics.retrievedBytes.increment(by: sent)
    }
}
