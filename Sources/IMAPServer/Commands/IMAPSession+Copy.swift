// COPY (RFC 9051 §6.4.7) and MOVE (RFC 6851), with COPYUID (RFC 4315 §3).

import MailStore

extension IMAPSession {
    mutating func copy(_ set: IMAPSequenceSet, to name: IMAPMailboxName, byUID: Bool, move: Bool) async throws -> CommandOutcome {
        guard case .selected(let account, var view) = state else { return notSelected() }
        let verb = move ? "MOVE" : "COPY"
        if move && view.readOnly { return .done(.no("Mailbox is read-only (EXAMINE)", code: .readOnly)) }
        guard let uids = view.resolve(set, byUID: byUID, saved: savedSearch) else { return invalidSequenceSet() }
        // §6.4.7: a missing destination gets TRYCREATE so the client can create it and retry.
        guard let destination = try await store.mailbox(accountID: account.id, name: name.name) else {
            return .done(.no("No such mailbox", code: .tryCreate))
        }
        let live = uids.filter { !view.pendingExpunges.contains($0) }
        guard !live.isEmpty else { return .done(.ok("\(verb) completed")) }
        if move && destination.id == view.mailbox.id {
            return .done(.no("Cannot move messages into the mailbox they are in", code: .cannot))
        }
        let outcome = move
            ? try await store.moveMessages(from: view.mailbox.id, uids: live, to: destination.id)
            : try await store.copyMessages(from: view.mailbox.id, uids: live, to: destination.id)
        var code: IMAPResponseCode?
        if let source = IMAPSequenceSet(compacting: outcome.sourceUIDs),
           let destination = IMAPSequenceSet(compacting: outcome.destinationUIDs) {
            code = .copyUID(uidValidity: outcome.uidValidity, source: source, destination: destination)
        }
        guard move else {
            if destination.id == view.mailbox.id {
                // The copies' MODSEQs are not returned: the EXISTS must come from the store.
                view.recordUnknownWrite()
                state = .selected(account, view)
                selectedMailboxGrew = true
            }
            return .done(.ok("COPY completed", code: code))
        }
        // RFC 6851 §4.3: COPYUID goes in an untagged OK before the EXPUNGEs.
        if let code { queue(.untagged(.state(.ok("Moved", code: code)))) }
        let removed = view.remove(expunged: outcome.sourceUIDs)
        state = .selected(account, view)
        // RFC 7162 §3.2.10.2: VANISHED instead of EXPUNGE once QRESYNC is enabled.
        queueExpunges(sequenceNumbers: removed.numbers, uids: removed.uids)
        return .done(.ok("MOVE completed"))
    }
}
