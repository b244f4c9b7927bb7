// SELECT and EXAMINE (RFC 9051 §6.3.2, §6.3.3), CLOSE (§6.4.1), UNSELECT (§6.4.2, RFC 3691).

import MailStore

extension IMAPSession {
    mutating func select(_ name: IMAPMailboxName, _ parameters: IMAPSelectParameters, readOnly: Bool) async throws -> CommandOutcome {
        guard let account else { return notAuthenticated() }
        // RFC 7162 §3.2.5: QRESYNC before ENABLE QRESYNC is BAD, and a BAD changes nothing.
        if parameters.qresync != nil && !qresyncEnabled {
            return .done(.bad("QRESYNC needs ENABLE QRESYNC first"))
        }
        // §6.3.2: a SELECT, successful or not, first deselects the current mailbox.
        var stillWatched: MailboxID?
        if let current = selected {
            // Selecting the same mailbox again (clients do, to refresh): it stays watched, so its
            // generation already counts every change and one store trip, the id lookup, is saved.
            if current.mailbox.name == name.name {
                stillWatched = current.mailbox.id
            } else {
                dependencies.hub.unwatch(current.mailbox.id, channel: connection.channel)
            }
            state = .authenticated(account)
            // RFC 9051 §7.1, RFC 7162 §3.2.11 CLOSED (always, as CONDSTORE is announced): the old
            // mailbox's numbers no longer apply from here on.
            queue(.untagged(.state(.ok("Previous mailbox closed", code: .closed))))
        }
        // RFC 7162 §3.1.8: (CONDSTORE) enables CONDSTORE; the HIGHESTMODSEQ comes below.
        if parameters.condStore { condStoreEnabled = true }
        guard let snapshot = try await snapshot(account: account, name: name, stillWatched: stillWatched) else {
            return .done(.no("No such mailbox", code: .nonExistent))
        }
        let (selection, generation) = snapshot
        let mailbox = selection.mailbox
        let view = SelectedMailbox(selection: selection, readOnly: readOnly, generation: generation)
        state = .selected(account, view)
        // RFC 5182 §2.1: `$` does not survive a change of mailbox.
        savedSearch = nil

        queue(.untagged(.exists(view.count)))
        if !rev2Enabled {
            queue(.untagged(.recent(0)))     // RFC 3501 §6.3.1; \Recent is not kept (RFC 9051 drops it)
            if let firstUnseen = selection.firstUnseenUID.flatMap({ view.sequenceNumber(ofUID: $0) }) {
                queue(.untagged(.state(.ok("First unseen", code: .unseen(firstUnseen)))))
            }
        }
        queue(.untagged(.state(.ok("UIDs valid", code: .uidValidity(mailbox.uidValidity)))))
        queue(.untagged(.state(.ok("Predicted next UID", code: .uidNext(mailbox.uidNext)))))
        let flags = Self.mailboxFlags(keywords: selection.keywords)
        queue(.untagged(.flags(flags)))
        queue(.untagged(.state(.ok(readOnly ? "No permanent flags permitted" : "Flags permitted",
                                   code: .permanentFlags(readOnly ? [] : flags, allowsNewKeywords: !readOnly)))))
        // RFC 8474 §4.2: the mailbox's object id, stable across renames.
        queue(.untagged(.state(.ok("Mailbox id", code: .mailboxID(Self.objectID(of: mailbox))))))
        if rev2Enabled {
            // RFC 9051 §6.3.2: the LIST response carries the mailbox name as the server spells it.
            queue(.untagged(.list(IMAPListResponse(attributes: mailbox.specialUse.map { [$0.rawValue] } ?? [],
                                                   delimiter: "/", mailbox: IMAPMailboxName(mailbox.name)))))
        }
        // RFC 7162 §3.1.2.1: every SELECT/EXAMINE after a CONDSTORE enabling command. Every
        // mailbox keeps MODSEQs, so NOMODSEQ is never sent.
        if condStoreEnabled {
            queue(.untagged(.state(.ok("Highest mailbox mod-sequence", code: .highestModSeq(view.knownModSeq)))))
        }
        if let qresync = parameters.qresync, qresync.uidValidity == mailbox.uidValidity {
            try await resynchronize(qresync, view: view)
        }
        let verb = readOnly ? "EXAMINE" : "SELECT"
        return .done(.ok("\(verb) completed", code: readOnly ? .readOnly : .readWrite))
    }

    /// The mailbox's snapshot and the hub generation read before it, the mailbox being watched
    /// from then on; nil (and not watched) when there is no such mailbox.
    private func snapshot(account: Account, name: IMAPMailboxName, stillWatched: MailboxID?) async throws
        -> (MailboxSelection, UInt64)? {
        if let stillWatched {
            // Watched all along: a change committed after this generation bumps it.
            let generation = dependencies.hub.generation(of: stillWatched)
            let selection: MailboxSelection?
            do {
                selection = try await store.mailboxSelection(accountID: account.id, name: name.name)
            } catch {
                dependencies.hub.unwatch(stillWatched, channel: connection.channel)
                throw error
            }
            if let selection, selection.mailbox.id == stillWatched { return (selection, generation) }
            // Deleted, or replaced by another mailbox of that name: look it up afresh.
            dependencies.hub.unwatch(stillWatched, channel: connection.channel)
        }
        guard let found = try await store.mailbox(accountID: account.id, name: name.name) else { return nil }
        // Watch before reading: a change committed after the read bumps the generation we keep.
        // Quietly unless NOTIFY is on: IDLE asks for wake-ups while it runs (IMAPSession+Idle).
        let generation = dependencies.hub.watch(found.id, channel: connection.channel, wake: notify != nil)
        // Issue 8: one snapshot of UIDs, UIDNEXT, HIGHESTMODSEQ, first unseen and keywords, each
        // from an index, instead of every message's flags.
        let selection: MailboxSelection?
        do {
            selection = try await store.mailboxSelection(accountID: account.id, name: name.name)
        } catch {
            dependencies.hub.unwatch(found.id, channel: connection.channel)
            throw error
        }
        guard let selection, selection.mailbox.id == found.id else {
            // Deleted or replaced between the two reads.
            dependencies.hub.unwatch(found.id, channel: connection.channel)
            return nil
        }
        return (selection, generation)
    }

    /// RFC 7162 §3.2.5.1: what changed since the client's MODSEQ, as if it had sent
    /// `UID FETCH known-uids (FLAGS) (CHANGEDSINCE modseq VANISHED)`: VANISHED (EARLIER) first,
    /// then `FETCH (UID FLAGS MODSEQ)` of each changed message it knows. Messages above its highest
    /// known UID (new arrivals) are reported too, which spares it a round trip. A UIDVALIDITY
    /// mismatch skips all this (the caller checks).
    private mutating func resynchronize(_ qresync: IMAPSelectParameters.QResync, view: SelectedMailbox) async throws {
        // Without known-uids: 1:<UIDNEXT-1>, nothing at all for a mailbox that never had mail.
        let highestAssigned = view.mailbox.uidNext > 0 ? view.mailbox.uidNext - 1 : 0
        let known = qresync.knownUIDs ?? (highestAssigned > 0 ? .range(1, highestAssigned) : .ranges([]))
        let knownSet: SearchNumberSet
        switch known {
        case .ranges(let ranges): knownSet = SearchNumberSet(ranges, largest: highestAssigned)
        case .lastCommand: knownSet = SearchNumberSet(numbers: [])
        }
        let highestKnown = knownSet.ranges.last?.upperBound ?? 0
        let matched = qresync.sequenceMatch.map { view.matchedThrough($0) } ?? 0
        if let vanished = try await vanishedEarlier(requested: known, since: qresync.modSequence, view: view,
                                                    matchedThrough: matched) {
            queue(.untagged(.vanished(earlier: true, vanished)))
        }
        // Changes after the snapshot (above knownModSeq) are left to the next catch-up, which
        // reports them once.
        let changed = try await store.messageIndex(mailboxID: view.mailbox.id, changedSinceModSeq: qresync.modSequence)
        for entry in changed where entry.modSeq <= view.knownModSeq
            && (knownSet.contains(entry.uid) || entry.uid > highestKnown) {
            guard let number = view.sequenceNumber(ofUID: entry.uid) else { continue }
            queue(.untagged(.fetch(number, [.uid(entry.uid), .flags(entry.flags.map(IMAPFlag.init(stored:))),
                                            .modSequence(entry.modSeq)])))
        }
    }

    /// RFC 8474 `objectid` (letters, digits, "-", "_"): the row id survives RENAME, and the
    /// UIDVALIDITY part keeps an id from being reused by a mailbox created after a delete.
    static func objectID(of mailbox: Mailbox) -> String {
        "F\(mailbox.uidValidity)-\(mailbox.id)"
    }

    /// The system flags, the common keywords and every keyword in use in the mailbox (at most 256).
    static func mailboxFlags(keywords inUse: [String]) -> [IMAPFlag] {
        var flags = IMAPFlag.systemFlags
        var keywords: [String] = ["$Forwarded", "$MDNSent", "$Junk", "$NotJunk", "$Phishing"]
        var seen = Set(keywords.map { $0.lowercased() })
        for keyword in inUse where keywords.count < 256 && seen.insert(keyword.lowercased()).inserted {
            keywords.append(keyword)
        }
        flags.append(contentsOf: keywords.map(IMAPFlag.keyword))
        return flags
    }

    /// CLOSE removes \Deleted messages silently (§6.4.1); UNSELECT does not (RFC 3691).
    mutating func close(expunging: Bool) async throws -> CommandOutcome {
        guard case .selected(let account, let view) = state else { return notSelected() }
        if expunging && !view.readOnly {
            let deleted = try await store.messageIndex(mailboxID: view.mailbox.id)
                .filter { $0.flags.contains("\\Deleted") && view.sequenceNumber(ofUID: $0.uid) != nil }
                .map(\.uid)
            if !deleted.isEmpty { _ = try await store.expunge(mailboxID: view.mailbox.id, uids: deleted) }
        }
        dependencies.hub.unwatch(view.mailbox.id, channel: connection.channel)
        state = .authenticated(account)
        return .done(.ok(expunging ? "CLOSE completed" : "UNSELECT completed"))
    }
}
