// QUOTA (RFC 9208): one quota root per account, named "", holding every mailbox, with the
// STORAGE (KiB) and MESSAGE resources the administrator set (`facteur user quota`).

import MailStore

extension IMAPSession {
    /// The account's only quota root (RFC 9208 §3.2: a root name may be the empty string).
    static let quotaRootName = ""

    // RFC 9208 §4.3: GETQUOTAROOT names the roots of the mailbox, then each root's QUOTA.
    mutating func getQuotaRoot(_ name: IMAPMailboxName, account: Account) async throws -> CommandOutcome {
        guard try await store.mailbox(accountID: account.id, name: name.name) != nil else {
            return .done(.no("No such mailbox", code: .nonExistent))
        }
        let resources = try await quotaResources(account: account)
        // No limit at all: the mailbox has no quota root (RFC 9208 §4.3 "zero or more").
        guard !resources.isEmpty else {
            queue(.untagged(.quotaRoot(name, roots: [])))
            return .done(.ok("GETQUOTAROOT completed"))
        }
        queue(.untagged(.quotaRoot(name, roots: [Self.quotaRootName])))
        queue(.untagged(.quota(root: Self.quotaRootName, resources)))
        return .done(.ok("GETQUOTAROOT completed"))
    }

    // RFC 9208 §4.2: GETQUOTA of a root this account has.
    mutating func getQuota(_ root: String, account: Account) async throws -> CommandOutcome {
        let resources = try await quotaResources(account: account)
        guard root == Self.quotaRootName, !resources.isEmpty else {
            return .done(.no("No such quota root", code: .nonExistent))
        }
        queue(.untagged(.quota(root: root, resources)))
        return .done(.ok("GETQUOTA completed"))
    }

    // RFC 9208 §4.4: "the server MAY reject ... if the user does not have sufficient privilege";
    // quotas are the administrator's (`facteur user quota`), never the user's.
    func setQuota() -> CommandOutcome {
        .done(.no("Quotas are set by the administrator", code: .noPerm))
    }

    /// The limited resources with current usage, read fresh from the store (the login snapshot
    /// is stale as soon as mail arrives). RFC 9208 §5.1: STORAGE counts units of 1024 octets.
    private func quotaResources(account: Account) async throws -> [IMAPQuotaResource] {
        let current = try await store.account(id: account.id) ?? account
        var resources: [IMAPQuotaResource] = []
        if let bytes = current.quotaBytes {
            let used = UInt64(max(0, current.usedBytes))
            resources.append(IMAPQuotaResource("STORAGE", usage: (used + 1023) / 1024, limit: UInt64(max(0, bytes)) / 1024))
        }
        if let messages = current.quotaMessages {
            // RFC 9208 §5.2: MESSAGE is the number of messages in the mailboxes of the root.
            resources.append(IMAPQuotaResource("MESSAGE", usage: UInt64(max(0, current.messageCount)),
                                               limit: UInt64(max(0, messages))))
        }
        return resources
    }
}
