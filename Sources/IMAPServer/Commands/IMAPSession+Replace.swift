// REPLACE and UID REPLACE (RFC 8508): append the new message, then expunge the old one.
//
// Atomicity: the store has no single transaction for "append here, expunge there" (append goes
// through the group-commit queue), so the two steps run in order and a failure of the second is
// undone: the new message is expunged again and the client gets NO, leaving both mailboxes as
// they were (§3.4: no inconsistent state, no EXPUNGE unless everything succeeded). Only a crash
// between the two commits can leave both messages; the client then sees an extra copy, never a
// loss.
// todo(rfc): RFC 8508 §3.4 net quota (APPEND counted against the pending EXPUNGE); the store
// checks the quota of the APPEND alone.

import MailStore

extension IMAPSession {
    mutating func replace(_ target: IMAPSequenceSet, with message: IMAPAppendMessage, in name: IMAPMailboxName,
                          byUID: Bool) async throws -> CommandOutcome {
        guard case .selected(let account, let view) = state else { return notSelected() }
        // §3.4: REPLACE expunges from the selected mailbox, which EXAMINE opened read-only.
        if view.readOnly { return .done(.no("Mailbox is read-only (EXAMINE)", code: .readOnly)) }
        guard let resolved = view.resolve(target, byUID: byUID, saved: savedSearch) else { return invalidSequenceSet() }
        // UID REPLACE of a UID that is gone: nothing to replace (RFC 9051 §6.4.8 keeps it quiet for
        // sets, but REPLACE names one message and must not become a plain APPEND).
        guard let oldUID = resolved.first, !view.pendingExpunges.contains(oldUID) else {
            return .done(.no("No such message", code: .expungeIssued))
        }

        // 1. The APPEND, with its responses (TRYCREATE, TOOBIG, OVERQUOTA) as they are (§3.4).
        let appended = try await append([message], to: name, account: account)
        guard case .done(let status) = appended, status.kind == .ok,
              case .appendUID(let uidValidity, let newUIDs)? = status.code else {
            return appended
        }
        guard let destination = try await store.mailbox(accountID: account.id, name: name.name),
              case .ranges(let ranges) = newUIDs, let first = ranges.first, case .number(let newUID) = first.first else {
            return .done(.no("Replacement could not be completed", code: .serverBug))
        }

        // 2. The EXPUNGE of the old message only.
        let removedUIDs: [UInt32]
        let removedModSeqs: [UInt64]
        do {
            let expunged = try await store.expungeWithModSeqs(mailboxID: view.mailbox.id, uids: [oldUID])
            removedUIDs = expunged.map(\.uid)
            removedModSeqs = expunged.map(\.modSeq)
        } catch {
            _ = try? await store.expunge(mailboxID: destination.id, uids: [newUID])
            logger.error("REPLACE: expunge failed, replacement withdrawn", metadata: ["error": "\(error)"])
            return .done(.no("Replacement could not be completed", code: .serverBug))
        }
        guard removedUIDs == [oldUID] else {
            // Another session expunged it meanwhile: withdraw the new copy rather than duplicate.
            _ = try await store.expunge(mailboxID: destination.id, uids: [newUID])
            return .done(.no("The message was expunged meanwhile", code: .expungeIssued))
        }

        // §3.2: APPENDUID in an untagged OK, then EXISTS (from the session updates) and EXPUNGE.
        queue(.untagged(.state(.ok("Replacement Message ready", code: .appendUID(uidValidity: uidValidity, uids: newUIDs)))))
        guard case .selected(_, var current) = state else { return .done(.ok("REPLACE completed")) }
        let removed = current.remove(expunged: removedUIDs)
        current.recordOwnWrite(modSeqs: removedModSeqs)
        state = .selected(account, current)
        // RFC 7162 §3.2.10.2: VANISHED instead of EXPUNGE once QRESYNC is enabled.
        queueExpunges(sequenceNumbers: removed.numbers, uids: removed.uids)
        return .done(.ok("REPLACE completed"))
    }
}
