// Turns an envelope recipient into the local accounts that receive it: accounts, aliases and
// lists (nested, loop-safe), `+detail` addressing and per-domain catch-all.
import Logging
import MailStore

/// One account that a recipient address reaches.
public struct ResolvedRecipient: Sendable, Equatable {
    public var account: Account
    /// The `+detail` of the address that reached the account (RFC 5233), for Sieve.
    public var detail: String?
    /// The envelope recipient as given in RCPT TO.
    public var originalRecipient: String
    /// The account's active Sieve script when the store read it with the account (one read per
    /// recipient instead of two); nil when the store did not say, and the filter asks.
    public var sieveScript: AddressLookup.SieveScriptState? = nil
}

public enum RecipientResolution: Sendable, Equatable {
    /// At least one local account; `remoteTargets` lists alias targets outside our domains, which
    /// are not delivered until the outbound queue exists.
    case local([ResolvedRecipient], remoteTargets: [String])
    /// The domain is local but nothing answers to this address (550 5.1.1).
    case unknownUser
    /// The domain is not ours: accepting it would make us a relay (554 5.7.1).
    case notLocalDomain
    /// The address is not a valid mailbox (501 5.1.3).
    case invalidAddress
}

public struct RecipientResolver: Sendable {
    let store: any MailStore
    let configuration: DeliveryConfiguration

    public init(store: any MailStore, configuration: DeliveryConfiguration) {
        self.store = store
        self.configuration = configuration
    }

    public func resolve(_ recipient: String) async throws -> RecipientResolution {
        // RFC 5321 §4.5.1: postmaster (any case) must be accepted; without an account or alias
        // for it, it reaches nothing, so administrators should alias it (the README says so).
        guard let address = MailAddress(recipient) else { return .invalidAddress }
        let lookup = try await store.lookUp(address: address.description)
        guard let domain = lookup.domain else { return .notLocalDomain }

        var expansion = Expansion(limit: configuration.maxExpandedAccounts)
        var found = try await expand(address, lookup: lookup, detail: nil, original: recipient, depth: 0, into: &expansion)
        if !found, let catchAll = domain.catchAll.flatMap(MailAddress.init) {
            found = try await expand(catchAll, lookup: nil, detail: nil, original: recipient, depth: 1, into: &expansion)
        }
        if !found || expansion.accounts.isEmpty { return .unknownUser }
        return .local(expansion.accounts, remoteTargets: expansion.remote)
    }

    private struct Expansion {
        var accounts: [ResolvedRecipient] = []
        var accountIDs: Set<AccountID> = []
        var remote: [String] = []
        var visited: Set<String> = []
        let limit: Int
        init(limit: Int) { self.limit = limit }
    }

    /// Returns false when the address names nothing at all. `lookup` is the store's answer for
    /// `address` when the caller already has it.
    private func expand(_ address: MailAddress, lookup known: AddressLookup?, detail: String?, original: String,
                        depth: Int, into expansion: inout Expansion) async throws -> Bool {
        let key = address.description.lowercased()
        // A loop (a → b → a) or a diamond (two lists sharing a member) visits an address once.
        guard expansion.visited.insert(key).inserted else { return true }
        guard depth <= configuration.maxAliasDepth, expansion.accounts.count < expansion.limit else { return true }

        let lookup: AddressLookup
        if let known { lookup = known } else { lookup = try await store.lookUp(address: address.description) }
        if lookup.domain == nil {
            expansion.remote.append(address.description)
            return true
        }
        if let account = lookup.account {
            if expansion.accountIDs.insert(account.id).inserted {
                expansion.accounts.append(ResolvedRecipient(account: account, detail: detail, originalRecipient: original,
                                                            sieveScript: lookup.sieveScript))
            }
            return true
        }
        if let alias = lookup.alias {
            for target in alias.targets {
                guard let targetAddress = MailAddress(target) else { continue }
                _ = try await expand(targetAddress, lookup: nil, detail: detail, original: original, depth: depth + 1,
                                     into: &expansion)
            }
            return true
        }
        if let delimiter = configuration.recipientDelimiter, detail == nil,
           let (base, newDetail) = address.splitDetail(delimiter: delimiter) {
            return try await expand(base, lookup: nil, detail: newDetail, original: original, depth: depth, into: &expansion)
        }
        return false
    }
}
