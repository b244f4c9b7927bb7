// SORT, UID SORT, THREAD and UID THREAD (RFC 5256 §3, RFC 5957): SEARCH's matching, then the
// order or the threads computed from the summaries stored at delivery.

import MailMessage
import MailStore

extension IMAPSession {
    mutating func sort(_ command: IMAPSortCommand, byUID: Bool) async throws -> CommandOutcome {
        guard let messages = try await sortableMatches(key: command.key, charset: command.charset) else {
            return .done(.no("Unsupported charset", code: .badCharset(IMAPSearchEngine.supportedCharsets)))
        }
        let sorted = IMAPSorter.sort(messages, by: command.criteria)
        queue(.untagged(.sort(sorted.map { byUID ? $0.uid : $0.sequenceNumber })))
        return .done(.ok("SORT completed"))
    }

    mutating func thread(_ command: IMAPThreadCommand, byUID: Bool) async throws -> CommandOutcome {
        guard let messages = try await sortableMatches(key: command.key, charset: command.charset) else {
            return .done(.no("Unsupported charset", code: .badCharset(IMAPSearchEngine.supportedCharsets)))
        }
        queue(.untagged(.thread(IMAPThreader.thread(messages, algorithm: command.algorithm, byUID: byUID))))
        return .done(.ok("THREAD completed"))
    }

    /// The messages of the selected mailbox matching `key`, with their sort keys; nil for a
    /// charset SEARCH cannot read (RFC 5256 §3: US-ASCII and UTF-8 MUST be implemented).
    private mutating func sortableMatches(key: IMAPSearchKey, charset: String) async throws -> [SortableMessage]? {
        guard IMAPSearchEngine.supportsCharset(charset) else { return nil }
        guard let view = selected else { return [] }
        var candidates: [IMAPSearchCandidate] = []
        candidates.reserveCapacity(view.uids.count)
        var start = 0
        while start < view.uids.count {
            let batch = Array(view.uids[start..<min(start + Self.fetchBatchSize, view.uids.count)])
            start += batch.count
            for message in try await store.messages(mailboxID: view.mailbox.id, uids: batch) {
                guard let number = view.sequenceNumber(ofUID: message.uid) else { continue }
                candidates.append(IMAPSearchCandidate(sequenceNumber: number, message: message))
            }
        }
        let reader = MailStoreMessageReader(store: store)
        let engine = IMAPSearchEngine(reader: reader)
        let matches = try await engine.search(key, candidates: candidates, highestSequenceNumber: view.count,
                                              highestUID: view.highestUID, savedResult: savedSearch)
        var messages: [SortableMessage] = []
        messages.reserveCapacity(matches.count)
        for match in matches {
            // The delivery summary: decoding it is microseconds; only rows without one are parsed.
            let summary = try await reader.summary(of: match.message)
            messages.append(SortableMessage(sequenceNumber: match.sequenceNumber, message: match.message, summary: summary))
        }
        return messages
    }
}
