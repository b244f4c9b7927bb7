// SELECT and EXAMINE (RFC 9051 §6.3.2, §6.3.3), CLOSE (§6.4.1), UNSELECT (§6.4.2, RFC 3691).

import MailStore

extension IMAPSession {
    mutating func select(_ name: IMAPMailboxName, _ parameters: IMAPSelectParameters, readOnly: Bool) async throws -> CommandOutcome {
        guard let account else { return notAuthenticated() }
        // §6.3.2: a SELECT, successful or not, first deselects the current mailbox.
        if let current = selected {
            dependencies.hub.unwatch(current.mailbox.id, channel: connection.channel)
            state = .authenticated(account)
            // RFC 9051 §7.1 CLOSED: the old mailbox's numbers no longer apply.
            if rev2Enabled { queue(.untagged(.state(.ok("Previous mailbox closed", code: .closed)))) }
        }
        if parameters.condStore || parameters.qresync != nil {
            return .done(.bad("CONDSTORE and QRESYNC are not available yet", code: .cannot))
        }
        guard let mailbox = try await store.mailbox(accountID: account.id, name: name.name) else {
            return .done(.no("No such mailbox", code: .nonExistent))
        }
        // Watch before reading: a change committed after the read bumps the generation we keep.
        let generation = dependencies.hub.watch(mailbox.id, channel: connection.channel)
        let index: [MessageIndexEntry]
        do {
            index = try await store.messageIndex(mailboxID: mailbox.id)
        } catch {
            dependencies.hub.unwatch(mailbox.id, channel: connection.channel)
            throw error
        }
        let view = SelectedMailbox(mailbox: mailbox, readOnly: readOnly, index: index, generation: generation)
        state = .selected(account, view)

        queue(.untagged(.exists(view.count)))
        if !rev2Enabled {
            queue(.untagged(.recent(0)))     // RFC 3501 §6.3.1; \Recent is not kept (RFC 9051 drops it)
            if let firstUnseen = index.firstIndex(where: { !$0.flags.contains("\\Seen") }) {
                queue(.untagged(.state(.ok("First unseen", code: .unseen(UInt32(firstUnseen + 1))))))
            }
        }
        queue(.untagged(.state(.ok("UIDs valid", code: .uidValidity(mailbox.uidValidity)))))
        queue(.untagged(.state(.ok("Predicted next UID", code: .uidNext(mailbox.uidNext)))))
        queue(.untagged(.flags(Self.mailboxFlags(index))))
        queue(.untagged(.state(.ok(readOnly ? "No permanent flags permitted" : "Flags permitted",
                                   code: .permanentFlags(readOnly ? [] : Self.mailboxFlags(index),
                                                         allowsNewKeywords: !readOnly)))))
        if rev2Enabled {
            // RFC 9051 §6.3.2: the LIST response carries the mailbox name as the server spells it.
            queue(.untagged(.list(IMAPListResponse(attributes: mailbox.specialUse.map { [$0.rawValue] } ?? [],
                                                   delimiter: "/", mailbox: IMAPMailboxName(mailbox.name)))))
        }
        let verb = readOnly ? "EXAMINE" : "SELECT"
        return .done(.ok("\(verb) completed", code: readOnly ? .readOnly : .readWrite))
    }

    /// The system flags, the common keywords and every keyword in use in the mailbox.
    static func mailboxFlags(_ index: [MessageIndexEntry]) -> [IMAPFlag] {
        var flags = IMAPFlag.systemFlags
        var keywords: [String] = ["$Forwarded", "$MDNSent", "$Junk", "$NotJunk", "$Phishing"]
        var seen = Set(keywords.map { $0.lowercased() })
        for entry in index {
            for flag in entry.flags where !flag.hasPrefix("\\") && seen.insert(flag.lowercased()).inserted {
                keywords.append(flag)
                if keywords.count >= 256 { break }
            }
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
