// SORT, UID SORT, THREAD and UID THREAD (RFC 5256 §3, RFC 5957): SEARCH's matching, then the
// order or the threads computed from the sort keys the store keeps beside each row (issue 8).

import Foundation
import MailMessage
import MailStore

extension IMAPSession {
    mutating func sort(_ command: IMAPSortCommand, byUID: Bool) async throws -> CommandOutcome {
        guard IMAPSearchEngine.supportsCharset(command.charset) else {
            return .done(.no("Unsupported charset", code: .badCharset(IMAPSearchEngine.supportedCharsets)))
        }
        // SORT ... ALL of a mailbox whose UIDs are those of a recent SORT: the same order
        // (IMAPSortCache). Not while expunges wait to be reported: the store no longer has them.
        let cacheable = command.key == .all && selected.map { $0.pendingExpunges.isEmpty } == true
        if cacheable, let view = selected,
           let order = sortCache.order(mailbox: view.mailbox, criteria: command.criteria, uids: view.uids) {
            dependencies.metrics.sortCacheHits.increment()
            queue(.untagged(.sort(order.numbers(byUID: byUID))))
            return .done(.ok("SORT completed"))
        }
        if cacheable { dependencies.metrics.sortCacheMisses.increment() }
        let order: IMAPSortOrder
        if command.criteria.count == 1, let criterion = command.criteria.first {
            // One criterion: only its column is read, and each message is a flat entry.
            var sorter = IMAPSingleKeySorter(criterion: criterion, capacity: selected?.uids.count ?? 0)
            _ = try await forEachSortRecord(key: command.key, charset: command.charset,
                                            fields: Self.sortFields(command.criteria), { number, record, fallback in
                sorter.append(sequenceNumber: number, record: record, fallback: fallback)
            })
            order = sorter.sortedOrder()
        } else {
            let messages = try await sortableMatches(key: command.key, charset: command.charset,
                                                     fields: Self.sortFields(command.criteria)) ?? []
            let sorted = IMAPSorter.sort(messages, by: command.criteria)
            order = IMAPSortOrder(uids: sorted.map(\.uid), sequenceNumbers: sorted.map(\.sequenceNumber))
        }
        if cacheable, let view = selected {
            sortCache.remember(mailbox: view.mailbox, criteria: command.criteria, uids: view.uids, order: order)
        }
        queue(.untagged(.sort(order.numbers(byUID: byUID))))
        return .done(.ok("SORT completed"))
    }

    mutating func thread(_ command: IMAPThreadCommand, byUID: Bool) async throws -> CommandOutcome {
        let fields: MessageSortRecord.Fields = command.algorithm == .references ? [.subject, .threading] : .subject
        guard let messages = try await sortableMatches(key: command.key, charset: command.charset, fields: fields) else {
            return .done(.no("Unsupported charset", code: .badCharset(IMAPSearchEngine.supportedCharsets)))
        }
        queue(.untagged(.thread(IMAPThreader.thread(messages, algorithm: command.algorithm, byUID: byUID))))
        return .done(.ok("THREAD completed"))
    }

    /// The stored key families a SORT program compares (dates and sizes always come).
    static func sortFields(_ criteria: [IMAPSortCriterion]) -> MessageSortRecord.Fields {
        var fields: MessageSortRecord.Fields = []
        for criterion in criteria {
            switch criterion.key {
            case .subject: fields.insert(.subject)
            case .from: fields.insert(.from)
            case .to: fields.insert(.to)
            case .cc: fields.insert(.cc)
            case .displayFrom: fields.insert(.displayFrom)
            case .displayTo: fields.insert(.displayTo)
            case .arrival, .date, .size: break
            }
        }
        return fields
    }

    /// The messages of the selected mailbox matching `key`, with their sort keys; nil for a
    /// charset SEARCH cannot read (RFC 5256 §3: US-ASCII and UTF-8 MUST be implemented).
    private mutating func sortableMatches(key: IMAPSearchKey, charset: String,
                                          fields: MessageSortRecord.Fields) async throws -> [SortableMessage]? {
        var messages: [SortableMessage] = []
        messages.reserveCapacity(selected?.uids.count ?? 0)
        guard try await forEachSortRecord(key: key, charset: charset, fields: fields, { number, record, fallback in
            messages.append(SortableMessage(sequenceNumber: number, record: record, keys: fallback))
        }) else { return nil }
        return messages
    }

    /// Hands `body` the sequence number, sort record and (for a row without stored keys) the keys
    /// parsed from the message, of every message of the selected mailbox matching `key`; false for
    /// a charset SEARCH cannot read.
    private mutating func forEachSortRecord(key: IMAPSearchKey, charset: String, fields: MessageSortRecord.Fields,
                                            _ body: (UInt32, MessageSortRecord, MessageSortKeys?) -> Void)
        async throws -> Bool {
        guard IMAPSearchEngine.supportsCharset(charset) else { return false }
        guard let view = selected else { return true }
        let store = self.store
        let mailboxID = view.mailbox.id
        let reader = MailStoreMessageReader(store: store)
        // SORT ... ALL (what clients send to order a whole mailbox) matches every UID: no rows
        // are loaded for matching, only the sort records below.
        let uids = key == .all ? view.uids : try await matchingUIDs(key, view: view, reader: reader)
        let records = try await store.sortRecords(mailboxID: mailboxID, uids: uids, fields: fields)
        for record in records {
            guard let number = view.sequenceNumber(ofUID: record.uid) else { continue }
            var fallback: MessageSortKeys?
            if record.keys == nil, let message = try await store.message(mailboxID: mailboxID, uid: record.uid) {
                // A row with neither stored keys nor a summary (imported raw): parse it, as before.
                fallback = MessageSortKeys(summary: try await reader.summary(of: message))
            }
            body(number, record, fallback)
        }
        return true
    }

    /// The UIDs matching `key`, as SEARCH finds them (full-text index first; summaries only when
    /// the key looks at headers).
    private func matchingUIDs(_ key: IMAPSearchKey, view: SelectedMailbox, reader: MailStoreMessageReader) async throws
        -> [UInt32] {
        let store = self.store
        let mailboxID = view.mailbox.id
        let engine = IMAPSearchEngine(reader: reader, now: { Date() },
                                      fullText: { term, field in
                                          try await store.fullTextCandidates(mailboxID: mailboxID, term: term, field: field)
                                      })
        let plan = try await engine.plan(key, highestSequenceNumber: view.count, highestUID: view.highestUID,
                                         savedResult: savedSearch)
        let uids = plan.candidateUIDs.map { required in view.uids.filter { required.contains($0) } } ?? view.uids
        var candidates: [IMAPSearchCandidate] = []
        candidates.reserveCapacity(uids.count)
        var start = 0
        while start < uids.count {
            let batch = Array(uids[start..<min(start + Self.fetchBatchSize, uids.count)])
            start += batch.count
            let rows = plan.needsSummaries ? try await store.messages(mailboxID: mailboxID, uids: batch)
                                           : try await store.messagesWithoutMetadata(mailboxID: mailboxID, uids: batch)
            for message in rows {
                guard let number = view.sequenceNumber(ofUID: message.uid) else { continue }
                candidates.append(IMAPSearchCandidate(sequenceNumber: number, message: message))
            }
        }
        return try await engine.evaluate(plan, candidates: candidates).map(\.message.uid)
    }
}
