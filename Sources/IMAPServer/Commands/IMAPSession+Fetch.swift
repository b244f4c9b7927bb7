// FETCH and UID FETCH (RFC 9051 §6.4.5, §6.4.8).

import MailStore
import NIOCore

extension IMAPSession {
    /// Rows are read in batches of this many UIDs: bounded memory for `FETCH 1:*`.
    static let fetchBatchSize = 256

    mutating func fetch(_ set: IMAPSequenceSet, _ requested: [IMAPFetchAttribute], modifiers: [IMAPFetchModifier],
                        byUID: Bool, _ outbound: Outbound) async throws -> CommandOutcome {
        guard case .selected(let account, var view) = state else { return notSelected() }
        guard modifiers.isEmpty else { return .done(.bad("CHANGEDSINCE needs CONDSTORE, not available yet", code: .cannot)) }
        guard let uids = view.resolve(set, byUID: byUID, saved: savedSearch) else { return invalidSequenceSet() }
        var attributes = requested
        // §6.4.8: UID FETCH always returns the UID.
        if byUID && !attributes.contains(.uid) { attributes.insert(.uid, at: 0) }
        let live = uids.filter { !view.pendingExpunges.contains($0) }

        let allocator = connection.channel.allocator
        var buffer = pending
        pending = allocator.buffer(capacity: 1024)
        var written = 0
        let threshold = Self.flushThreshold
        let emit: (ByteBuffer) async throws -> Void = { piece in
            var piece = piece
            written += piece.readableBytes
            buffer.writeBuffer(&piece)
            if buffer.readableBytes >= threshold {
                try await outbound.write(.send(buffer, then: .more))
                buffer = allocator.buffer(capacity: 1024)
            }
        }
        defer { dependencies.metrics.fetchedBytes.increment(by: written) }

        // The sync clients' favourite, `UID FETCH 1:* (UID FLAGS)`, comes from the index alone.
        if attributes.allSatisfy({ $0 == .uid || $0 == .flags }) && live.count > Self.fetchBatchSize {
            let wanted = Set(live)
            for entry in try await store.messageIndex(mailboxID: view.mailbox.id) where wanted.contains(entry.uid) {
                guard let number = view.sequenceNumber(ofUID: entry.uid) else { continue }
                let items: [IMAPFetchItem] = attributes.map {
                    $0 == .uid ? .uid(entry.uid) : .flags(entry.flags.map(IMAPFlag.init(stored:)))
                }
                try await emit(encoder.encode(.untagged(.fetch(number, items))))
            }
            pending = buffer
            return .done(.ok("FETCH completed"))
        }

        let responder = IMAPFetchResponder(encoder: encoder, reader: MailStoreMessageReader(store: store),
                                           chunkSize: configuration.fetchChunkSize)
        let marksSeen = !view.readOnly && IMAPFetchResponder.setsSeen(attributes)
        var start = 0
        while start < live.count {
            let batch = Array(live[start..<min(start + Self.fetchBatchSize, live.count)])
            start += batch.count
            var messages = try await store.messages(mailboxID: view.mailbox.id, uids: batch)
            var flagsChanged = Set<UInt32>()
            if marksSeen {
                // §6.4.5: BODY[...] sets \Seen; the new flags go out with the response.
                let unseen = messages.filter { !$0.flags.contains("\\Seen") }.map(\.uid)
                if !unseen.isEmpty {
                    let updated = try await store.updateFlags(mailboxID: view.mailbox.id, uids: unseen,
                                                              operation: .add, flags: ["\\Seen"])
                    var byUIDs: [UInt32: StoredMessage] = [:]
                    for message in updated {
                        byUIDs[message.uid] = message
                        flagsChanged.insert(message.uid)
                        view.noteReportedByUs(uid: message.uid, modSeq: message.modSeq)
                    }
                    messages = messages.map { byUIDs[$0.uid] ?? $0 }
                }
            }
            for message in messages {
                guard let number = view.sequenceNumber(ofUID: message.uid) else { continue }
                var items = attributes
                if flagsChanged.contains(message.uid) && !items.contains(.flags) { items.append(.flags) }
                do {
                    try await responder.respond(sequenceNumber: number, message: message, attributes: items, emit: emit)
                } catch IMAPFetchError.unknownTransferEncoding {
                    pending = buffer
                    state = .selected(account, view)
                    return .done(.no("Unknown Content-Transfer-Encoding", code: .unknownCTE))
                }
            }
        }
        pending = buffer
        state = .selected(account, view)
        return .done(.ok("FETCH completed"))
    }
}
