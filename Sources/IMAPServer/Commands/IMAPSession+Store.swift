// STORE (RFC 9051 §6.4.6) and EXPUNGE / UID EXPUNGE (§6.4.3, RFC 4315 §2.1).

import MailStore

extension IMAPSession {
    /// STORE, with CONDSTORE's UNCHANGEDSINCE (RFC 7162 §3.1.3): messages changed after the given
    /// MODSEQ are left alone and listed in `[MODIFIED set]` (sequence numbers, or UIDs for UID
    /// STORE), each with an unsolicited FETCH of its current state so the client need not poll.
    mutating func storeFlags(_ set: IMAPSequenceSet, _ request: IMAPStoreFlags, unchangedSince: UInt64?,
                             byUID: Bool) async throws -> CommandOutcome {
        guard case .selected(_, let current) = state else { return notSelected() }
        guard !current.readOnly else { return .done(.no("Mailbox is read-only (EXAMINE)", code: .readOnly)) }
        guard let uids = current.resolve(set, byUID: byUID, saved: savedSearch) else { return invalidSequenceSet() }
        // \Recent cannot be stored (RFC 3501 §2.3.2) and other \-flags do not exist here.
        var names: [String] = []
        for flag in request.flags {
            switch flag {
            case .recent: continue
            case .extension: return .done(.bad("Unknown system flag \(flag)"))
            default: names.append(flag.storedName)
            }
        }
        if unchangedSince != nil { enableCondStore() }
        guard case .selected(let account, var view) = state else { return notSelected() }
        let live = uids.filter { !view.pendingExpunges.contains($0) }
        guard !live.isEmpty else { return .done(.ok("STORE completed")) }
        let operation: FlagOperation = switch request.operation {
        case .add: .add
        case .remove: .remove
        case .replace: .replace
        }
        let outcome: ConditionalFlagUpdate
        if let unchangedSince {
            outcome = try await store.updateFlags(mailboxID: view.mailbox.id, uids: live, operation: operation,
                                                  flags: names, unchangedSince: unchangedSince)
        } else {
            outcome = ConditionalFlagUpdate(
                updated: try await store.updateFlags(mailboxID: view.mailbox.id, uids: live, operation: operation, flags: names),
                modified: [])
        }
        // §3.1.3: with UNCHANGEDSINCE (and, once CONDSTORE is on, always) a FETCH with the new
        // MODSEQ goes out even for .SILENT, or the client's cache would keep a stale MODSEQ.
        let announcesSilently = unchangedSince != nil || condStoreEnabled
        for message in outcome.updated {
            view.noteReportedByUs(uid: message.uid, modSeq: message.modSeq)
            guard !request.silent || announcesSilently, let number = view.sequenceNumber(ofUID: message.uid) else { continue }
            queue(.untagged(.fetch(number, changeItems(uid: message.uid, flags: request.silent ? nil : message.flags,
                                                       modSeq: message.modSeq, includeUID: byUID))))
        }
        var failed: [UInt32] = []
        for message in outcome.modified {
            guard let number = view.sequenceNumber(ofUID: message.uid) else { continue }
            failed.append(byUID ? message.uid : number)
            // §3.1.3 Example 10 (RECOMMENDED): the current state of what failed the test.
            view.noteReportedByUs(uid: message.uid, modSeq: message.modSeq)
            queue(.untagged(.fetch(number, changeItems(uid: message.uid, flags: message.flags, modSeq: message.modSeq,
                                                       includeUID: byUID))))
        }
        // Issue 8: the answers above are the read-back's; catching up need not read them again.
        view.recordOwnWrite(modSeqs: outcome.updated.map(\.modSeq) + outcome.modified.map(\.modSeq))
        state = .selected(account, view)
        if let modified = IMAPSequenceSet(compacting: failed) {
            return .done(.ok("Conditional STORE failed for some messages", code: .modified(modified)))
        }
        return .done(.ok("STORE completed"))
    }

    /// EXPUNGE removes every \Deleted message; UID EXPUNGE only those of the set as well.
    mutating func expunge(uids set: IMAPSequenceSet?) async throws -> CommandOutcome {
        guard case .selected(let account, var view) = state else { return notSelected() }
        guard !view.readOnly else { return .done(.no("Mailbox is read-only (EXAMINE)", code: .readOnly)) }
        // Only messages this session knows (RFC 9051 §7.5.1: one it was not told of keeps no number).
        var candidates = view.uids
        if let set {
            guard let uids = view.resolve(set, byUID: true, saved: savedSearch) else { return invalidSequenceSet() }
            let restrict = Set(uids)
            candidates = candidates.filter { restrict.contains($0) }
        }
        // Issue 8: finding the \Deleted messages and removing them is one store trip.
        let expunged = try await store.expungeDeleted(mailboxID: view.mailbox.id, among: candidates)
        guard !expunged.isEmpty else { return .done(.ok("EXPUNGE completed")) }
        let removed = view.remove(expunged: expunged.map(\.uid))
        view.recordOwnWrite(modSeqs: expunged.map(\.modSeq))
        state = .selected(account, view)
        queueExpunges(sequenceNumbers: removed.numbers, uids: removed.uids)
        guard qresyncEnabled else { return .done(.ok("EXPUNGE completed")) }
        // RFC 7162 §3.2.7, §3.2.9: with QRESYNC the tagged OK carries the new HIGHESTMODSEQ. Catch
        // up first, so that every change below the value reported has been reported.
        try await queueUpdates(allowExpunge: true, force: true)
        guard let caughtUp = selected else { return .done(.ok("EXPUNGE completed")) }
        return .done(.ok("EXPUNGE completed", code: .highestModSeq(caughtUp.knownModSeq)))
    }

    func invalidSequenceSet() -> CommandOutcome {
        .done(.bad("Invalid message sequence number (beyond the number of messages)"))
    }
}
