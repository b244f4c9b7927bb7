// SEARCH and UID SEARCH (RFC 9051 §6.4.4) with ESEARCH results (RFC 4731) and SAVE (RFC 5182).

import Foundation
import MailStore

extension IMAPSession {
    mutating func search(_ command: IMAPSearchCommand, tag: String, byUID: Bool) async throws -> CommandOutcome {
        guard selected != nil else { return notSelected() }
        if let charset = command.charset, !IMAPSearchEngine.supportsCharset(charset) {
            return .done(.no("Unsupported charset", code: .badCharset(IMAPSearchEngine.supportedCharsets)))
        }
        // RFC 7162 §3.1.5: a MODSEQ key enables CONDSTORE and adds the highest MODSEQ to the result.
        let mentionsModSequence = command.key.mentionsModSequence
        if mentionsModSequence { enableCondStore() }
        guard let view = selected else { return notSelected() }
        // Issue 4: BODY/TEXT strings go to the store's full-text index first; only the messages it
        // names (and those it does not cover) are loaded and read.
        let store = self.store
        let mailboxID = view.mailbox.id
        let engine = IMAPSearchEngine(reader: MailStoreMessageReader(store: store), now: { Date() },
                                      fullText: { term, field in
                                          try await store.fullTextCandidates(mailboxID: mailboxID, term: term, field: field)
                                      })
        let plan = try await engine.plan(command.key, highestSequenceNumber: view.count, highestUID: view.highestUID,
                                         savedResult: savedSearch)
        let matches: [IMAPSearchCandidate]
        if let flags = plan.flagsOnly {
            // Issue 8: SEARCH UNSEEN as one narrow read of UIDs; messages the view does not hold
            // (arrived since the last EXISTS) are left out, as they are below.
            let found = try await store.uids(mailboxID: mailboxID, flagged: flags.flagged, unflagged: flags.unflagged)
            matches = Self.matches(uids: found, in: view)
        } else if plan.decidedBySummary {
            matches = try await searchSummaries(plan, engine: engine, view: view)
        } else {
            matches = try await evaluate(plan, engine: engine, view: view)
        }
        return answer(IMAPSearchResult(matches: matches), command: command, tag: tag, byUID: byUID,
                      mentionsModSequence: mentionsModSequence)
    }

    /// Issue 8: FROM, TO, SUBJECT, SENT*… tested by the store on each stored summary, in batches;
    /// only the messages it could not decide that way (no summary, a JSON or damaged one) are
    /// loaded and tested as below, so the answer is the same.
    private func searchSummaries(_ plan: IMAPSearchEngine.Plan, engine: IMAPSearchEngine,
                                 view: SelectedMailbox) async throws -> [IMAPSearchCandidate] {
        let mailboxID = view.mailbox.id
        // FROM/TO/SUBJECT alone: the folded text stored at delivery, the summary only for
        // messages without it; SENT* among the keys: the summaries.
        let folded = plan.decidedByFoldedFields ? plan.foldedFieldSearch : nil
        let test = plan.summaryTest
        var matched: [UInt32] = [], undecided: [UInt32] = []
        var start = 0
        while start < view.uids.count {
            let batch = Array(view.uids[start..<min(start + Self.fetchBatchSize, view.uids.count)])
            start += batch.count
            let outcome = if let folded {
                try await store.searchFoldedFields(mailboxID: mailboxID, uids: batch, folded)
            } else {
                try await store.searchSummaries(mailboxID: mailboxID, uids: batch, test)
            }
            matched.append(contentsOf: outcome.matched)
            undecided.append(contentsOf: outcome.undecided)
        }
        var matches = Self.matches(uids: matched, in: view)
        if !undecided.isEmpty {
            matches.append(contentsOf: try await evaluate(plan, engine: engine, view: view, uids: undecided))
            matches.sort { $0.sequenceNumber < $1.sequenceNumber }
        }
        return matches
    }

    /// Matches the store knew by UID alone; messages the view does not hold are left out.
    private static func matches(uids: [UInt32], in view: SelectedMailbox) -> [IMAPSearchCandidate] {
        uids.compactMap { uid in
            view.sequenceNumber(ofUID: uid).map { IMAPSearchCandidate(sequenceNumber: $0, uid: uid, mailboxID: view.mailbox.id) }
        }
    }

    /// Loads the candidates the plan allows, in batches, and tests each.
    private func evaluate(_ plan: IMAPSearchEngine.Plan, engine: IMAPSearchEngine,
                          view: SelectedMailbox, uids only: [UInt32]? = nil) async throws -> [IMAPSearchCandidate] {
        let mailboxID = view.mailbox.id
        let uids = only ?? plan.candidateUIDs.map { required in view.uids.filter { required.contains($0) } } ?? view.uids
        var candidates: [IMAPSearchCandidate] = []
        candidates.reserveCapacity(uids.count)
        var start = 0
        while start < uids.count {
            let batch = Array(uids[start..<min(start + Self.fetchBatchSize, uids.count)])
            start += batch.count
            // A key on flags, dates or sizes (SEARCH UNSEEN) needs no summaries: leave them in the database.
            let rows = plan.needsSummaries ? try await store.messages(mailboxID: mailboxID, uids: batch)
                                           : try await store.messagesWithoutMetadata(mailboxID: mailboxID, uids: batch)
            for message in rows {
                guard let number = view.sequenceNumber(ofUID: message.uid) else { continue }
                candidates.append(IMAPSearchCandidate(sequenceNumber: number, message: message))
            }
        }
        return try await engine.evaluate(plan, candidates: candidates)
    }

    /// The responses for `result`: SAVE, SEARCH or ESEARCH (RFC 9051 §6.4.4, RFC 4731, RFC 5182).
    private mutating func answer(_ result: IMAPSearchResult, command: IMAPSearchCommand, tag: String, byUID: Bool,
                                 mentionsModSequence: Bool) -> CommandOutcome {
        var options = command.returnOptions
        if let requested = options, requested.contains(.save) {
            savedSearch = result.savedUIDs(options: requested)
            options = requested.filter { $0 != .save }
            // RFC 5182 §2.4: RETURN (SAVE) alone answers with no ESEARCH at all.
            if options?.isEmpty == true { return .done(.ok("SEARCH completed, result saved")) }
        }
        // RFC 9051 §6.4.4: IMAP4rev2 answers ESEARCH; IMAP4rev1 clients get SEARCH unless they asked.
        if options == nil && rev2Enabled { options = [.all] }
        guard let options else {
            queue(.untagged(result.searchResponse(uid: byUID, keyMentionsModSequence: mentionsModSequence)))
            return .done(.ok("SEARCH completed"))
        }
        queue(.untagged(.esearch(result.eSearchResponse(tag: tag, uid: byUID, options: options,
                                                        keyMentionsModSequence: mentionsModSequence))))
        return .done(.ok("SEARCH completed"))
    }
}
