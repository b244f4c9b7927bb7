// FETCH and UID FETCH (RFC 9051 §6.4.5, §6.4.8).

import MailMessage
import MailStore
import NIOCore

extension IMAPSession {
    /// Rows are read in batches of this many UIDs: bounded memory for `FETCH 1:*`.
    static let fetchBatchSize = 256

    mutating func fetch(_ set: IMAPSequenceSet, _ requested: [IMAPFetchAttribute], modifiers: [IMAPFetchModifier],
                        byUID: Bool, _ outbound: Outbound) async throws -> CommandOutcome {
        guard case .selected(_, let current) = state else { return notSelected() }
        var changedSince: UInt64?
        var reportsVanished = false
        for modifier in modifiers {
            switch modifier {
            case .changedSince(let modSeq): changedSince = modSeq
            case .vanished: reportsVanished = true
            }
        }
        if reportsVanished {
            // RFC 7162 §3.2.6: UID FETCH only, after ENABLE QRESYNC, together with CHANGEDSINCE.
            guard byUID else { return .done(.bad("VANISHED is only allowed with UID FETCH")) }
            guard qresyncEnabled else { return .done(.bad("VANISHED needs ENABLE QRESYNC first")) }
            guard changedSince != nil else { return .done(.bad("VANISHED needs CHANGEDSINCE")) }
        }
        guard let uids = current.resolve(set, byUID: byUID, saved: savedSearch) else { return invalidSequenceSet() }
        var attributes = requested
        // §6.4.8: UID FETCH always returns the UID.
        if byUID && !attributes.contains(.uid) { attributes.insert(.uid, at: 0) }
        // RFC 7162 §3.1.4.1: CHANGEDSINCE implies MODSEQ; both enable CONDSTORE (§3.1).
        if changedSince != nil && !attributes.contains(.modSequence) { attributes.append(.modSequence) }
        if attributes.contains(.modSequence) { enableCondStore() }
        guard case .selected(let account, var view) = state else { return notSelected() }
        var live = uids.filter { !view.pendingExpunges.contains($0) }
        if let changedSince {
            if reportsVanished, let vanished = try await vanishedEarlier(requested: set, since: changedSince, view: view) {
                // §3.2.6: VANISHED (EARLIER) comes before any FETCH.
                queue(.untagged(.vanished(earlier: true, vanished)))
            }
            let changed = Set(try await store.messageIndex(mailboxID: view.mailbox.id, changedSinceModSeq: changedSince)
                .map(\.uid))
            live = live.filter { changed.contains($0) }
        }

        let allocator = connection.channel.allocator
        var output = FetchOutput(buffer: pending, allocator: allocator, threshold: Self.fetchFlushThreshold)
        pending = allocator.buffer(capacity: 1024)
        let emit: (ByteBuffer) async throws -> Void = { piece in
            output.write(piece)
            try await output.flushIfFull(outbound)
        }
        defer { dependencies.metrics.fetchedBytes.increment(by: output.written) }

        // The sync clients' favourite, `UID FETCH 1:* (UID FLAGS)`, comes from the index alone.
        if attributes.allSatisfy({ $0 == .uid || $0 == .flags || $0 == .modSequence }) && live.count > Self.fetchBatchSize {
            let wanted = Set(live)
            for entry in try await store.messageIndex(mailboxID: view.mailbox.id) where wanted.contains(entry.uid) {
                guard let number = view.sequenceNumber(ofUID: entry.uid) else { continue }
                let items: [IMAPFetchItem] = attributes.map {
                    switch $0 {
                    case .uid: .uid(entry.uid)
                    case .modSequence: .modSequence(entry.modSeq)
                    default: .flags(entry.flags.map(IMAPFlag.init(stored:)))
                    }
                }
                try await emit(encoder.encode(.untagged(.fetch(number, items))))
            }
            pending = output.buffer
            return .done(.ok("FETCH completed"))
        }

        let storeReader = MailStoreMessageReader(store: store)
        var responder = IMAPFetchResponder(encoder: encoder, reader: storeReader, chunkSize: configuration.fetchChunkSize)
        let readsHeaders = IMAPFetchResponder.readsMessageHeader(attributes)
        let marksSeen = !view.readOnly && IMAPFetchResponder.setsSeen(attributes)
        // The message list (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE...): see
        // IMAPSession+FetchMessageList.swift.
        if IMAPFetchResponder.answersFromRow(attributes) {
            try await fetchMessageList(live, attributes: attributes, view: view, responder: responder,
                                       output: &output, outbound)
            pending = output.buffer
            return .done(.ok("FETCH completed"))
        }
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
            if readsHeaders && messages.count > 1 {
                responder = IMAPFetchResponder(encoder: encoder, reader: try await prefetchHeaders(of: messages, base: storeReader),
                                               chunkSize: configuration.fetchChunkSize)
            }
            for message in messages {
                guard let number = view.sequenceNumber(ofUID: message.uid) else { continue }
                var items = attributes
                if flagsChanged.contains(message.uid) {
                    // §6.4.5: the new FLAGS; RFC 7162 §3.2.4: with MODSEQ (and UID) once enabled.
                    if !items.contains(.flags) { items.append(.flags) }
                    if qresyncEnabled && !items.contains(.uid) { items.insert(.uid, at: 0) }
                    if condStoreEnabled && !items.contains(.modSequence) { items.append(.modSequence) }
                }
                do {
                    try await responder.respond(sequenceNumber: number, message: message, attributes: items, emit: emit)
                } catch IMAPFetchError.unknownTransferEncoding {
                    pending = output.buffer
                    state = .selected(account, view)
                    return .done(.no("Unknown Content-Transfer-Encoding", code: .unknownCTE))
                }
            }
        }
        pending = output.buffer
        state = .selected(account, view)
        return .done(.ok("FETCH completed"))
    }

    /// UIDs of `requested` expunged since `modSeq` (RFC 7162 §3.2.6), or, when the expunge log has
    /// been pruned past `modSeq`, every UID of the set that is not in the mailbox. `*` in the set
    /// stands for the highest UID ever assigned, so "1:*" covers every message the client knew.
    func vanishedEarlier(requested: IMAPSequenceSet, since modSeq: UInt64, view: SelectedMailbox,
                         matchedThrough: UInt32 = 0) async throws -> IMAPSequenceSet? {
        let floor = try await store.expungeLogFloor(mailboxID: view.mailbox.id)
        let logged = modSeq >= floor ? try await store.expunged(mailboxID: view.mailbox.id, sinceModSeq: modSeq) : []
        let highestAssigned = max(view.highestUID, view.mailbox.uidNext > 0 ? view.mailbox.uidNext - 1 : 0, logged.map(\.uid).max() ?? 0)
        let set: SearchNumberSet
        switch requested {
        case .ranges(let ranges): set = SearchNumberSet(ranges, largest: highestAssigned)
        case .lastCommand: set = SearchNumberSet(numbers: savedSearch ?? [])
        }
        let planner = VanishedPlanner(requested: set, sinceModSeq: modSeq, logFloor: floor,
                                      highestAssignedUID: highestAssigned, matchedThrough: matchedThrough)
        return planner.vanished(logged: logged, present: view.uids)
    }

    /// The headers of a batch of messages in one store trip, for a FETCH that lists them.
    private func prefetchHeaders(of messages: [StoredMessage], base: MailStoreMessageReader) async throws
        -> PrefetchedMessageReader {
        var requests: [MessageRangeRequest] = []
        var headerLengths: [Int64: Int] = [:]
        for message in messages {
            // The header length alone: decoding whole summaries here was ~2 % of imap-mix's CPU.
            let headerLength = try await base.headerLength(of: message)
            headerLengths[message.id] = headerLength
            if let range = IMAPFetchResponder.headerRange(of: message, headerLength: headerLength) {
                requests.append(MessageRangeRequest(message: message, range: range))
            }
        }
        let bytes = try await store.messageBytes(requests)
        var prefetched: [Int64: (range: Range<Int>, bytes: [UInt8])] = [:]
        for (request, octets) in zip(requests, bytes) { prefetched[request.message.id] = (request.range, octets) }
        return PrefetchedMessageReader(base: base, prefetched: prefetched, headerLengths: headerLengths)
    }
}
