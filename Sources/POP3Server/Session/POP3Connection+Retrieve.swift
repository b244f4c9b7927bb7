// RETR and TOP (RFC 1939 §7): the message streamed from the store in chunks, byte-stuffed on the
// way. RETR reads the stored bytes chunk by chunk (a 50 MB message is never in memory whole); TOP
// reads the message once to find where its header and first lines end. A small message is read
// with the small ones after it in one store trip (POP3ReadAhead) and answered with one write; the
// answers of the others are offered to the framing handler, which sends them itself. Over plain
// POP3 a large message whose content needs no stuffing, or whose dot lines were recorded at
// append, goes out from its file by sendfile (in segments, the extra dots between).

import MailStore
import NIOCore

extension POP3Connection {
    static let storeReadSize = 1 << 20

    /// Sends "+OK", the message (or its TOP part) in `chunkSize` pieces, and the final ".".
    /// The outbound writer suspends while the socket is not writable: that is the backpressure.
    mutating func retrieve(_ entry: POP3Maildrop.Entry, bodyLines: Int?, _ outbound: Outbound) async throws {
        guard bodyLines == nil, let maildrop = machine.maildrop else {
            try await retrieveNow(entry, bodyLines: bodyLines, outbound)
            return
        }
        let store = self.store
        let sendsFiles = !machine.tlsActive
        if let next = readAhead.follower(of: entry, in: maildrop, readSize: sendsFiles ? .max : Self.storeReadSize) {
            // Clients download in order: the next message is opened on the store's threads while
            // this one is sent, and awaited before the next command is read (structured: a child task).
            let readSize = max(chunkSize, Self.storeReadSize)
            let allocator = channel.channel.allocator
            async let opening = try? await Self.open(next, store: store, readSize: readSize, allocator: allocator,
                                                     sendsFiles: sendsFiles)
            try await retrieveNow(entry, bodyLines: nil, outbound)
            readAhead.keepOpened(await opening, uid: next.uid)
            return
        }
        let batch = readAhead.batch(after: entry, in: maildrop)
        guard !batch.isEmpty else {
            try await retrieveNow(entry, bodyLines: nil, outbound)
            return
        }
        // A large message followed by small ones: their batch is read and rendered by a child
        // task while this one is sent. The message goes out in full first; the session then waits
        // for the batch and resumes command reading with it offered, so the framing handler
        // answers the next RETRs itself (a RETR arriving meanwhile waits in its buffer).
        async let prefetched = Self.readAndRender(batch, store: store, allocator: channel.channel.allocator)
        let finished = try await retrieveNow(entry, bodyLines: nil, outbound, holdingFinish: true)
        if let answers = await prefetched { readAhead.keepAll(batch, answers: answers) }
        if !finished { try await finishCommand(channel.channel.allocator.buffer(capacity: 0), outbound) }
    }

    /// A batch read in one store trip and rendered; nil when the read failed (each RETR then
    /// reads for itself, and reports a missing message as it always did).
    private static func readAndRender(_ batch: [StoredMessage], store: any MailStore,
                                      allocator: ByteBufferAllocator) async -> [POP3PreparedAnswers.Answer]? {
        guard let answers = try? await renderBatch(batch, store: store, allocator: allocator),
              answers.count == batch.count else { return nil }
        return answers
    }

    /// Sends the answer; with `holdingFinish`, the last bytes go out without resuming command
    /// reading, and false tells the caller to finish the command itself.
    @discardableResult
    private mutating func retrieveNow(_ entry: POP3Maildrop.Entry, bodyLines: Int?, _ outbound: Outbound,
                                      holdingFinish: Bool = false) async throws -> Bool {
        let openedAhead = readAhead.takeOpened(uid: entry.message.uid)
        if bodyLines == nil, let answer = await smallMessage(entry) {
            try await finishCommand(answer.bytes, outbound)
            metrics.retrievedBytes.increment(by: answer.octets)
            return true
        }
        let allocator = channel.channel.allocator
        let chunks: AsyncThrowingStream<ByteBuffer, any Error>
        do {
            if let bodyLines {
                let bytes = try await store.messageBytes(entry.message)
                let end = POP3MessageExtent.topLength(of: bytes, bodyLines: bodyLines)
                chunks = AsyncThrowingStream { continuation in
                    continuation.yield(allocator.buffer(bytes: bytes[..<end]))
                    continuation.finish()
                }
            } else {
                // Large reads (one file-queue hop per MiB, not per 64 KB) keep big RETRs fast; the
                // memory held per RETR stays bounded at about two reads.
                let opened: POP3OpenedMessage
                if let openedAhead {
                    opened = openedAhead
                } else {
                    opened = try await Self.open(entry.message, store: store, readSize: max(chunkSize, Self.storeReadSize),
                                                 allocator: allocator, sendsFiles: !machine.tlsActive)
                }
                switch opened {
                case .plainFile(let file):
                    return try await sendPlainFile(file, entry, outbound, holdingFinish: holdingFinish)
                case .chunks(let opened):
                    chunks = opened
                }
            }
        } catch StoreError.notFound {
            // An IMAP session expunged it after our snapshot.
            try await send(.err("message was removed by another session"), then: .command, outbound)
            return true
        } catch {
            logger.error("cannot read message", metadata: ["pop3.uid": "\(entry.message.uid)", "error": "\(error)"])
            try await send(.err("message temporarily unavailable", code: .sysTemp), then: .command, outbound)
            return true
        }
        let status: POP3Response = bodyLines == nil ? .ok("\(entry.message.size) octets") : .ok("top of message follows")
        if logger.logLevel <= .trace { logger.trace("S: \(status)") }

        var head = allocator.buffer(capacity: 64)
        status.encode(into: &head)
        // Buffers waiting to go out: each store read is the buffer it was read into, sent as is
        // unless a line of it starts with "." (the stuffer then copies it), so a large message
        // costs no user-space copy between its file and the socket.
        var pending: [POP3OutboundInstruction] = []
        var pendingBytes = head.readableBytes
        Self.appendSlices(of: head, chunkSize: chunkSize, to: &pending)
        var stuffer = POP3DotStuffer()
        var sent = 0
        do {
            for try await chunk in chunks {
                sent += chunk.readableBytes
                let wire = stuffer.stuffed(chunk, allocator: allocator)
                pendingBytes += wire.readableBytes
                Self.appendSlices(of: wire, chunkSize: chunkSize, to: &pending)
                // The last read of a RETR goes out with the final "." below: one write, not two.
                let isLast = bodyLines == nil && sent == entry.message.size
                if pendingBytes >= chunkSize && !isLast {
                    // Each store read goes out as `chunkSize` slices of its buffer (no copies),
                    // handed over in one call: one hop to the event loop and one flush per read,
                    // not per slice.
                    try await outbound.write(contentsOf: pending)
                    pending.removeAll(keepingCapacity: true)
                    pendingBytes = 0
                }
            }
        } catch {
            // The "+OK" may be on the wire already: the only honest end is to close the connection
            // (RFC 1939 has no way to abort a multi-line response).
            logger.error("reading message failed mid-RETR", metadata: ["pop3.uid": "\(entry.message.uid)", "error": "\(error)"])
            throw error
        }
        var tail = allocator.buffer(capacity: 8)
        stuffer.finish(into: &tail)
        metrics.retrievedBytes.increment(by: sent)
        if holdingFinish {
            pending.append(.send(tail, then: .more))
            try await outbound.write(contentsOf: pending)
            return false
        }
        try await finishCommand(tail, after: pending, outbound)
        return true
    }

    /// A large message ready to send: its content file when it needs no stuffing and the
    /// connection has no TLS (`sendsFiles`), else its pieces. A failed file lookup falls back to
    /// the pieces, whose read reports a missing message as it always did.
    static func open(_ message: StoredMessage, store: any MailStore, readSize: Int, allocator: ByteBufferAllocator,
                     sendsFiles: Bool) async throws -> POP3OpenedMessage {
        if sendsFiles, let file = try? await store.plainContentFile(message),
           file.prefix.count + file.contentSize == message.size {
            return .plainFile(file)
        }
        return .chunks(try await openChunks(message, store: store, readSize: readSize, allocator: allocator))
    }

    /// RETR of a message whose content ends with CRLF and needs no stuffing (RFC 1939 §3: no line
    /// starts with ".") or whose dot lines are known: "+OK" and the stuffed prefix, the content
    /// file by sendfile (split at those lines, one more "." before each), then ".".
    /// The same octets as the streaming path, without reading the file into memory.
    private mutating func sendPlainFile(_ file: PlainContentFile, _ entry: POP3Maildrop.Entry, _ outbound: Outbound,
                                        holdingFinish: Bool) async throws -> Bool {
        let status = POP3Response.ok("\(entry.message.size) octets")
        if logger.logLevel <= .trace { logger.trace("S: \(status)") }
        let allocator = channel.channel.allocator
        var head = allocator.buffer(capacity: 64 + file.prefix.count + file.prefix.count / 16)
        status.encode(into: &head)
        var stuffer = POP3DotStuffer()
        stuffer.append(file.prefix[...], to: &head)
        // A dot at the content's first octet starts a line only if the prefix ended one.
        var dots = file.dotLineOffsets
        if dots.first == 0 && !stuffer.isAtLineStart { dots.removeFirst() }
        var tail = allocator.buffer(capacity: 8)
        tail.writeString(".\r\n")   // the content ends with CRLF: no line ending to add
        metrics.retrievedBytes.increment(by: entry.message.size)
        metrics.sentFiles.increment()
        let pending: [POP3OutboundInstruction] = [.send(head, then: .more), .sendFile(file, dotsAt: dots)]
        if holdingFinish {
            try await outbound.write(contentsOf: pending + [.send(tail, then: .more)])
            return false
        }
        try await finishCommand(tail, after: pending, outbound)
        return true
    }

    /// The message's pieces, each read into a `ByteBuffer` of its own by the store (a blob file is
    /// `pread` straight into it): what goes to the socket when no line starts with ".".
    static func openChunks(_ message: StoredMessage, store: any MailStore, readSize: Int,
                           allocator: ByteBufferAllocator) async throws -> AsyncThrowingStream<ByteBuffer, any Error> {
        try await store.messageChunks(message, chunkSize: readSize) { count, read in
            var buffer = allocator.buffer(capacity: count)
            try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { destination in
                try read(UnsafeMutableRawBufferPointer(rebasing: destination[..<count]))
                return count
            }
            return buffer
        }
    }

    /// `buffer` as `.more` sends of at most `chunkSize` octets each, sharing its storage.
    private static func appendSlices(of buffer: ByteBuffer, chunkSize: Int, to pending: inout [POP3OutboundInstruction]) {
        var buffer = buffer
        while buffer.readableBytes > 0, let piece = buffer.readSlice(length: min(chunkSize, buffer.readableBytes)) {
            pending.append(.send(piece, then: .more))
        }
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
            let answers = try await Self.renderBatch(batch, store: store, allocator: channel.channel.allocator)
            guard answers.count == batch.count else { return nil }
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

    /// Whole RETR answers in one buffer each (status line, stuffed message, final "."): one write
    /// per RETR. Rendered from the store's own bytes in the store's trip: the stuffing is the
    /// only copy of a message (`MailStore.renderMessages`).
    private static func renderBatch(_ batch: [StoredMessage], store: any MailStore,
                                    allocator: ByteBufferAllocator) async throws -> [POP3PreparedAnswers.Answer] {
        try await store.renderMessages(batch) { message, prefix, content in
            let octets = prefix.count + content.count
            var out = allocator.buffer(capacity: octets + octets / 16 + 64)
            POP3Response.ok("\(message.size) octets").encode(into: &out)
            var stuffer = POP3DotStuffer()
            stuffer.append(prefix, to: &out)
            stuffer.append(content, to: &out)
            stuffer.finish(into: &out)
            return .init(bytes: out, octets: octets)
        }
    }
}
