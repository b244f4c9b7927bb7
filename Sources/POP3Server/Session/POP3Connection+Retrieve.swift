// RETR and TOP (RFC 1939 §7): the message streamed from the store in chunks, byte-stuffed on the
// way. RETR reads the stored bytes chunk by chunk (a 50 MB message is never in memory whole); TOP
// reads the message once to find where its header and first lines end. A small message is read
// with the small ones after it in one store trip (POP3ReadAhead) and answered with one write; the
// answers of the others are offered to the framing handler, which sends them itself.

import MailStore
import NIOCore

extension POP3Connection {
    static let storeReadSize = 1 << 20

    /// Sends "+OK", the message (or its TOP part) in `chunkSize` pieces, and the final ".".
    /// The outbound writer suspends while the socket is not writable: that is the backpressure.
    mutating func retrieve(_ entry: POP3Maildrop.Entry, bodyLines: Int?, _ outbound: Outbound) async throws {
        guard bodyLines == nil, let maildrop = machine.maildrop,
              let next = readAhead.follower(of: entry, in: maildrop, readSize: Self.storeReadSize) else {
            try await retrieveNow(entry, bodyLines: bodyLines, outbound)
            return
        }
        // Clients download in order: the next message is opened on the store's threads while
        // this one is sent, and awaited before the next command is read (structured: a child task).
        let store = self.store
        let readSize = max(chunkSize, Self.storeReadSize)
        async let opening = try? await store.messageChunks(next, chunkSize: readSize)
        try await retrieveNow(entry, bodyLines: nil, outbound)
        readAhead.keepOpened(await opening, uid: next.uid)
    }

    private mutating func retrieveNow(_ entry: POP3Maildrop.Entry, bodyLines: Int?, _ outbound: Outbound) async throws {
        let openedAhead = readAhead.takeOpened(uid: entry.message.uid)
        if bodyLines == nil, let answer = await smallMessage(entry) {
            try await finishCommand(answer.bytes, outbound)
            metrics.retrievedBytes.increment(by: answer.octets)
            return
        }
        let chunks: AsyncThrowingStream<[UInt8], any Error>
        do {
            if let bodyLines {
                let bytes = try await store.messageBytes(entry.message)
                let end = POP3MessageExtent.topLength(of: bytes, bodyLines: bodyLines)
                chunks = AsyncThrowingStream { continuation in
                    continuation.yield(Array(bytes[..<end]))
                    continuation.finish()
                }
            } else if let openedAhead {
                chunks = openedAhead
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
                // The last read of a RETR goes out with the final "." below: one write, not two.
                let isLast = bodyLines == nil && sent >= entry.message.size
                if out.readableBytes >= chunkSize && !isLast {
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
        try await finishCommand(out, outbound)
        metrics.retrievedBytes.increment(by: sent)
    }

    /// A small message's answer: read ahead by an earlier RETR, or read now together with the
    /// small messages after it. nil when it is to be streamed (large, or the batch read failed:
    /// the streaming path then reads it alone and reports a missing message as it always did).
    private mutating func smallMessage(_ entry: POP3Maildrop.Entry) async -> POP3PreparedAnswers.Answer? {
        if let answer = readAhead.take(uid: entry.message.uid) {
            if logger.logLevel <= .trace { logger.trace("S: +OK \(entry.message.size) octets") }
            return answer
        }
        guard let maildrop = machine.maildrop else { return nil }
        let batch = readAhead.plan(for: entry, in: maildrop)
        guard !batch.isEmpty else { return nil }
        do {
            // The whole message: the store clamps the range to what it holds.
            let contents = try await store.messageBytes(batch.map { MessageRangeRequest(message: $0, range: 0..<Int.max) })
            guard contents.count == batch.count else { return nil }
            let answers = zip(batch, contents).map { message, bytes in render(bytes, size: message.size) }
            readAhead.keep(batch, answers: answers)
            if logger.logLevel <= .trace { logger.trace("S: +OK \(entry.message.size) octets") }
            return answers[0]
        } catch {
            logger.debug("read-ahead failed; reading messages one by one",
                         metadata: ["pop3.uid": "\(entry.message.uid)", "error": "\(error)"])
            readAhead.disable()
            return nil
        }
    }

    /// A whole RETR answer in one buffer (status line, stuffed message, final "."): one write.
    private func render(_ bytes: [UInt8], size: Int) -> POP3PreparedAnswers.Answer {
        let status = POP3Response.ok("\(size) octets")
        var out = channel.channel.allocator.buffer(capacity: bytes.count + bytes.count / 16 + 64)
        status.encode(into: &out)
        var stuffer = POP3DotStuffer()
        stuffer.append(bytes[...], to: &out)
        stuffer.finish(into: &out)
        return .init(bytes: out, octets: bytes.count)
    }
}
