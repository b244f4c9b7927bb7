// CREATE, DELETE, RENAME (RFC 9051 §6.3.4-§6.3.6) and STATUS (§6.3.11). Every name is looked up
// in the logged-in account only.

import MailStore

extension IMAPSession {
    mutating func create(_ name: IMAPMailboxName, specialUse: [String], account: Account) async throws -> CommandOutcome {
        // §6.3.4: a trailing delimiter says "I intend to create names below"; the name is created
        // without it.
        var text = name.name
        while text.hasSuffix("/") { text.removeLast() }
        guard !text.isEmpty else { return .done(.no("Invalid mailbox name", code: .cannot)) }
        if text.caseInsensitiveCompare("INBOX") == .orderedSame {
            return .done(.no("INBOX always exists", code: .alreadyExists))
        }
        // RFC 6154 §5.1 CREATE ... USE: at most one attribute per mailbox here.
        var use: SpecialUse?
        for attribute in specialUse {
            guard use == nil, let parsed = SpecialUse.allCases.first(where: {
                $0.rawValue.dropFirst().caseInsensitiveCompare(attribute) == .orderedSame
            }) else {
                return .done(.no("Unsupported special-use attribute", code: .useAttribute))
            }
            use = parsed
        }
        if let complaint = mailboxNameLimitViolation(text) {
            return .done(.no(complaint, code: .limit))
        }
        // RFC 5530 §3 LIMIT: "the operation would exceed a server-defined limit".
        let existing = try await store.mailboxes(accountID: account.id)
        guard existing.count < configuration.maxMailboxesPerAccount else {
            return .done(.no("Too many mailboxes", code: .limit))
        }
        let created = try await store.createMailbox(accountID: account.id, name: text, specialUse: use)
        // RFC 8474 §4.1: CREATE tells the new mailbox's id.
        return .done(.ok("CREATE completed", code: .mailboxID(Self.objectID(of: created))))
    }

    mutating func delete(_ name: IMAPMailboxName, account: Account) async throws -> CommandOutcome {
        guard !name.isInbox, name.name.caseInsensitiveCompare("INBOX") != .orderedSame else {
            return .done(.no("INBOX cannot be deleted", code: .cannot))
        }
        if let view = selected, view.mailbox.name == name.name {
            // Deleting the selected mailbox deselects it first (as Dovecot and Cyrus do).
            dependencies.hub.unwatch(view.mailbox.id, channel: connection.channel)
            state = .authenticated(account)
        }
        try await store.deleteMailbox(accountID: account.id, name: name.name)
        return .done(.ok("DELETE completed"))
    }

    mutating func rename(_ from: IMAPMailboxName, to: IMAPMailboxName, account: Account) async throws -> CommandOutcome {
        if to.name.caseInsensitiveCompare("INBOX") == .orderedSame {
            return .done(.no("INBOX already exists", code: .alreadyExists))
        }
        if let complaint = mailboxNameLimitViolation(to.name) {
            return .done(.no(complaint, code: .limit))
        }
        // §6.3.6: inferior names move too, so each must also fit once renamed.
        let prefix = from.name + "/"
        for mailbox in try await store.mailboxes(accountID: account.id) where mailbox.name.hasPrefix(prefix) {
            if let complaint = mailboxNameLimitViolation(to.name + "/" + mailbox.name.dropFirst(prefix.count)) {
                return .done(.no(complaint, code: .limit))
            }
        }
        try await store.renameMailbox(accountID: account.id, from: from.name, to: to.name)
        return .done(.ok("RENAME completed"))
    }

    /// `[limits] max_mailbox_name_length` / `max_mailbox_depth` for a name CREATE or RENAME would
    /// make; nil when it fits.
    func mailboxNameLimitViolation(_ name: String) -> String? {
        if name.utf8.count > configuration.maxMailboxNameLength {
            return "Mailbox name longer than \(configuration.maxMailboxNameLength) octets"
        }
        if name.split(separator: "/", omittingEmptySubsequences: false).count > configuration.maxMailboxDepth {
            return "Mailbox hierarchy deeper than \(configuration.maxMailboxDepth) levels"
        }
        return nil
    }

    mutating func status(_ name: IMAPMailboxName, _ attributes: [IMAPStatusAttribute], account: Account) async throws -> CommandOutcome {
        guard let mailbox = try await store.mailbox(accountID: account.id, name: name.name) else {
            return .done(.no("No such mailbox", code: .nonExistent))
        }
        // RFC 7162 §3.1: STATUS (HIGHESTMODSEQ) is a CONDSTORE enabling command.
        if attributes.contains(.highestModSeq) { enableCondStore() }
        queue(try await statusResponse(mailbox, attributes))
        return .done(.ok("STATUS completed"))
    }

    /// `* STATUS name (...)` for one mailbox: STATUS, and LIST ... RETURN (STATUS (...)) (RFC 5819).
    func statusResponse(_ mailbox: Mailbox, _ attributes: [IMAPStatusAttribute]) async throws -> IMAPResponse {
        var deleted: UInt64?
        if attributes.contains(.deleted) {
            deleted = UInt64(try await store.messageIndex(mailboxID: mailbox.id)
                .filter { $0.flags.contains("\\Deleted") }.count)
        }
        var values: [IMAPStatusValue] = []
        for attribute in attributes {
            switch attribute {
            case .messages: values.append(.number(.messages, UInt64(mailbox.messageCount)))
            case .uidNext: values.append(.number(.uidNext, UInt64(mailbox.uidNext)))
            case .uidValidity: values.append(.number(.uidValidity, UInt64(mailbox.uidValidity)))
            case .unseen: values.append(.number(.unseen, UInt64(mailbox.unseenCount)))
            case .deleted: values.append(.number(.deleted, deleted ?? 0))
            case .size: values.append(.number(.size, UInt64(max(mailbox.totalBytes, 0))))
            case .recent: values.append(.number(.recent, 0))
            case .highestModSeq: values.append(.number(.highestModSeq, mailbox.highestModSeq))
            case .appendLimit: values.append(.number(.appendLimit, configuration.framer.maxAppendLiteralSize))
            case .mailboxID: values.append(.mailboxID(Self.objectID(of: mailbox)))
            }
        }
        return .untagged(.mailboxStatus(IMAPMailboxName(mailbox.name), values))
    }
}
