// APPEND with MULTIAPPEND (RFC 9051 §6.3.12, RFC 3502) and APPENDUID (RFC 4315 §3). Messages
// are parsed here exactly as delivery parses them, so FETCH never parses again.

import Foundation
import MailStore

extension IMAPSession {
    /// Before the first literal of an APPEND is sent: refuse early when the mailbox is missing
    /// (§6.3.12: NO [TRYCREATE]) so the client does not upload a message for nothing.
    mutating func answerLiteral(_ announcement: IMAPLiteralAnnouncement, _ outbound: Outbound) async throws -> Bool {
        if announcement.command == "APPEND" {
            guard let account else {
                return try await refuseLiteral(announcement, .bad("Log in first (LOGIN or AUTHENTICATE)"), outbound)
            }
            if let prefix = announcement.appendPrefix {
                let name: IMAPMailboxName
                do {
                    name = try IMAPCommandParser.parseAppendMailbox(prefix, options: parserOptions)
                } catch {
                    return try await refuseLiteral(announcement, .bad(error.message), outbound)
                }
                guard let mailbox = try await store.mailbox(accountID: account.id, name: name.name) else {
                    return try await refuseLiteral(announcement, .no("No such mailbox", code: .tryCreate), outbound)
                }
                // Issue 8: the APPEND this literal belongs to uses it instead of a second lookup.
                appendTarget = (name.name, mailbox)
            }
        }
        queue(.continuation(.text("Ready for literal data")))
        try await flush(then: .command, outbound)
        return true
    }

    private mutating func refuseLiteral(_ announcement: IMAPLiteralAnnouncement, _ status: IMAPStatusResponse,
                                        _ outbound: Outbound) async throws -> Bool {
        streamedLiterals = []
        if let tag = announcement.tag {
            queue(.tagged(tag: tag, status))
        } else {
            queue(.untagged(.state(.bad(status.text))))
        }
        try await flush(then: .refuseLiteral, outbound)
        return true
    }

    mutating func append(_ messages: [IMAPAppendMessage], to name: IMAPMailboxName, account: Account) async throws -> CommandOutcome {
        // Looked up when the first literal was announced, moments ago: a mailbox deleted since is
        // refused by the store's append (notFound, TRYCREATE below) as it would be here.
        let announced = appendTarget.flatMap { $0.name == name.name && $0.mailbox.accountID == account.id ? $0.mailbox : nil }
        appendTarget = nil
        var found = announced
        if found == nil { found = try await store.mailbox(accountID: account.id, name: name.name) }
        guard let mailbox = found else {
            return .done(.no("No such mailbox", code: .tryCreate))
        }
        var requests: [AppendRequest] = []
        for message in messages {
            let bytes: [UInt8]
            switch message.data {
            case .bytes(let inline):
                bytes = inline
            case .streamed(let streamed):
                guard streamed.ordinal < streamedLiterals.count else { return .done(.bad("Message data missing")) }
                bytes = streamedLiterals[streamed.ordinal]
                streamedLiterals[streamed.ordinal] = []
            }
            guard !bytes.isEmpty else { return .done(.no("Cannot store an empty message", code: .cannot)) }
            var flags: [String] = []
            for flag in message.flags {
                switch flag {
                case .recent: continue
                case .extension: return .done(.bad("Unknown system flag \(flag)"))
                default: flags.append(flag.storedName)
                }
            }
            let internalDate = message.internalDate.map { Date(timeIntervalSince1970: TimeInterval($0.secondsSince1970)) } ?? Date()
            let prepared = MessagePreparer.prepare(bytes)
            requests.append(AppendRequest(accountID: account.id, mailbox: .id(mailbox.id), content: prepared.content,
                                          flags: flags, internalDate: internalDate, metadata: prepared.metadata,
                                          searchFields: prepared.searchFields))
        }
        streamedLiterals = []
        let results = try await store.append(requests)
        var uids: [UInt32] = []
        var modSeqs: [UInt64] = []
        var uidValidity = mailbox.uidValidity
        var failure: StoreError?
        for result in results {
            switch result {
            case .success(let appended):
                uids.append(appended.uid)
                modSeqs.append(appended.modSeq)
                uidValidity = appended.uidValidity
            case .failure(let error):
                failure = failure ?? error
            }
        }
        if let failure {
            // RFC 3502 §6.3.11: MULTIAPPEND is all or nothing.
            if !uids.isEmpty { _ = try await store.expunge(mailboxID: mailbox.id, uids: uids) }
            if case .notFound = failure { return .done(.no("No such mailbox", code: .tryCreate)) }
            return .done(storeFailure(failure, command: "APPEND"))
        }
        if case .selected(let account, var view) = state, view.mailbox.id == mailbox.id {
            // The EXISTS comes before the tagged OK (§6.3.12), from what the append returned
            // when nothing else changed the mailbox meanwhile (issue 8), else from the store.
            view.recordOwnWrite(modSeqs: modSeqs, appended: uids)
            state = .selected(account, view)
            selectedMailboxGrew = true
        }
        guard let appended = IMAPSequenceSet(compacting: uids) else { return .done(.ok("APPEND completed")) }
        return .done(.ok("APPEND completed", code: .appendUID(uidValidity: uidValidity, uids: appended)))
    }
}
