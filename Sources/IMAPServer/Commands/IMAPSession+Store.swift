// STORE (RFC 9051 §6.4.6) and EXPUNGE / UID EXPUNGE (§6.4.3, RFC 4315 §2.1).

import MailStore

extension IMAPSession {
    mutating func storeFlags(_ set: IMAPSequenceSet, _ request: IMAPStoreFlags, unchangedSince: UInt64?,
                             byUID: Bool) async throws -> CommandOutcome {
        guard case .selected(let account, var view) = state else { return notSelected() }
        guard unchangedSince == nil else { return .done(.bad("UNCHANGEDSINCE needs CONDSTORE, not available yet", code: .cannot)) }
        guard !view.readOnly else { return .done(.no("Mailbox is read-only (EXAMINE)", code: .readOnly)) }
        guard let uids = view.resolve(set, byUID: byUID, saved: savedSearch) else { return invalidSequenceSet() }
        // \Recent cannot be stored (RFC 3501 §2.3.2) and other \-flags do not exist here.
        var names: [String] = []
        for flag in request.flags {
            switch flag {
            case .recent: continue
            case .extension: return .done(.bad("Unknown system flag \(flag)"))
            default: names.append(flag.storedName)
            }
        }
        let live = uids.filter { !view.pendingExpunges.contains($0) }
        guard !live.isEmpty else { return .done(.ok("STORE completed")) }
        let operation: FlagOperation = switch request.operation {
        case .add: .add
        case .remove: .remove
        case .replace: .replace
        }
        let updated = try await store.updateFlags(mailboxID: view.mailbox.id, uids: live, operation: operation, flags: names)
        for message in updated {
            view.noteReportedByUs(uid: message.uid, modSeq: message.modSeq)
            guard !request.silent, let number = view.sequenceNumber(ofUID: message.uid) else { continue }
            var items: [IMAPFetchItem] = [.flags(message.flags.map(IMAPFlag.init(stored:)))]
            if byUID { items.insert(.uid(message.uid), at: 0) }
            queue(.untagged(.fetch(number, items)))
        }
        state = .selected(account, view)
        return .done(.ok("STORE completed"))
    }

    /// EXPUNGE removes every \Deleted message; UID EXPUNGE only those of the set as well.
    mutating func expunge(uids set: IMAPSequenceSet?) async throws -> CommandOutcome {
        guard case .selected(let account, var view) = state else { return notSelected() }
        guard !view.readOnly else { return .done(.no("Mailbox is read-only (EXAMINE)", code: .readOnly)) }
        var restrict: Set<UInt32>?
        if let set {
            guard let uids = view.resolve(set, byUID: true, saved: savedSearch) else { return invalidSequenceSet() }
            restrict = Set(uids)
        }
        let deleted = try await store.messageIndex(mailboxID: view.mailbox.id)
            .filter { $0.flags.contains("\\Deleted") && view.sequenceNumber(ofUID: $0.uid) != nil }
            .map(\.uid)
            .filter { restrict?.contains($0) ?? true }
        guard !deleted.isEmpty else { return .done(.ok("EXPUNGE completed")) }
        let removed = try await store.expunge(mailboxID: view.mailbox.id, uids: deleted)
        for number in view.remove(expunged: removed) { queue(.untagged(.expunge(number))) }
        state = .selected(account, view)
        return .done(.ok("EXPUNGE completed"))
    }

    func invalidSequenceSet() -> CommandOutcome {
        .done(.bad("Invalid message sequence number (beyond the number of messages)"))
    }
}
