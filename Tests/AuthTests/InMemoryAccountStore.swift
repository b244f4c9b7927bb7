// A MailStore test double that knows accounts, their SCRAM keys and app passwords and nothing
// else: Authenticator only looks accounts up and stores new hashes and keys. Everything else fails loudly if a test ever reaches it.
import Foundation
import MailStore

actor InMemoryAccountStore: MailStore {
    private var accounts: [String: Account] = [:]
    private(set) var passwordUpdates: [(address: String, hash: String)] = []
    private(set) var lookups: [String] = []
    private var scram: [AccountID: String] = [:]
    private var appPasswordsByAccount: [AccountID: [AppPassword]] = [:]
    var failPasswordUpdates = false

    init(_ accounts: [(address: String, hash: String)]) {
        for (index, entry) in accounts.enumerated() {
            self.accounts[entry.address.lowercased()] = Account(
                id: AccountID(index + 1), address: entry.address, passwordHash: entry.hash,
                quotaBytes: nil, usedBytes: 0, messageCount: 0)
        }
    }

    func setFailPasswordUpdates(_ fail: Bool) { failPasswordUpdates = fail }

    // Case-insensitive, as the real stores are meant to be.
    func account(address: String) async throws -> Account? {
        lookups.append(address)
        return accounts[address.lowercased()]
    }

    func setPasswordHash(address: String, hash: String) async throws {
        if failPasswordUpdates { throw StoreError.backend("disk full") }
        guard var account = accounts[address.lowercased()] else { throw StoreError.notFound(address) }
        account.passwordHash = hash
        accounts[address.lowercased()] = account
        scram[account.id] = nil   // as the real store: keys of an old password do not survive it
        passwordUpdates.append((address, hash))
    }

    func storedHash(_ address: String) -> String? { accounts[address.lowercased()]?.passwordHash }

    func scramCredentials(accountID: AccountID) async throws -> String? { scram[accountID] }

    func setSCRAMCredentials(address: String, credentials: String?) async throws {
        if failPasswordUpdates { throw StoreError.backend("disk full") }
        guard let account = accounts[address.lowercased()] else { throw StoreError.notFound(address) }
        scram[account.id] = credentials
    }

    func appPasswords(accountID: AccountID) async throws -> [AppPassword] {
        (appPasswordsByAccount[accountID] ?? []).sorted { $0.name < $1.name }
    }

    func addAppPassword(address: String, _ appPassword: AppPassword) async throws {
        guard let account = accounts[address.lowercased()] else { throw StoreError.notFound(address) }
        var list = appPasswordsByAccount[account.id] ?? []
        guard !list.contains(where: { $0.name == appPassword.name }) else { throw StoreError.alreadyExists(appPassword.name) }
        list.append(appPassword)
        appPasswordsByAccount[account.id] = list
    }

    func removeAppPassword(address: String, name: String) async throws {
        guard let account = accounts[address.lowercased()],
              let index = appPasswordsByAccount[account.id]?.firstIndex(where: { $0.name == name }) else {
            throw StoreError.notFound(name)
        }
        appPasswordsByAccount[account.id]?.remove(at: index)
    }

    // MARK: Not used by Auth

    private func unused(_ function: String = #function) -> StoreError { .backend("not in test double: \(function)") }

    func addDomain(_ name: String) async throws { throw unused() }
    func removeDomain(_ name: String) async throws { throw unused() }
    func domains() async throws -> [Domain] { throw unused() }
    func domain(named name: String) async throws -> Domain? { throw unused() }
    func setCatchAll(domain: String, target: String?) async throws { throw unused() }
    func addAccount(address: String, passwordHash: String, quotaBytes: Int64?) async throws -> Account { throw unused() }
    func removeAccount(address: String) async throws { throw unused() }
    func account(id: AccountID) async throws -> Account? { throw unused() }
    func accounts(domain: String?) async throws -> [Account] { throw unused() }
    func setQuota(address: String, bytes: Int64?) async throws { throw unused() }
    func setMessageQuota(address: String, messages: Int64?) async throws { throw unused() }
    func addAlias(address: String, targets: [String]) async throws { throw unused() }
    func removeAlias(address: String) async throws { throw unused() }
    func alias(address: String) async throws -> Alias? { throw unused() }
    func aliases(domain: String?) async throws -> [Alias] { throw unused() }
    func mailboxes(accountID: AccountID) async throws -> [Mailbox] { throw unused() }
    func mailbox(accountID: AccountID, name: String) async throws -> Mailbox? { throw unused() }
    func createMailbox(accountID: AccountID, name: String, specialUse: SpecialUse?) async throws -> Mailbox { throw unused() }
    func deleteMailbox(accountID: AccountID, name: String) async throws { throw unused() }
    func renameMailbox(accountID: AccountID, from: String, to: String) async throws { throw unused() }
    func setSubscribed(accountID: AccountID, name: String, subscribed: Bool) async throws { throw unused() }
    func append(_ requests: [AppendRequest]) async throws -> [Result<AppendedMessage, StoreError>] { throw unused() }
    func messages(mailboxID: MailboxID) async throws -> [StoredMessage] { throw unused() }
    func message(mailboxID: MailboxID, uid: UInt32) async throws -> StoredMessage? { throw unused() }
    func deliveryEnvelope(of message: StoredMessage) async throws -> Data? { throw unused() }
    func lookUp(address: String) async throws -> AddressLookup { throw unused() }
    func messageChunks(_ message: StoredMessage, chunkSize: Int) async throws -> AsyncThrowingStream<[UInt8], any Error> {
        throw unused()
    }
    func messageBytes(_ message: StoredMessage) async throws -> [UInt8] { throw unused() }
    func updateFlags(mailboxID: MailboxID, uids: [UInt32], operation: FlagOperation,
                     flags: [String]) async throws -> [StoredMessage] { throw unused() }
    func updateFlags(mailboxID: MailboxID, uids: [UInt32], operation: FlagOperation, flags: [String],
                     unchangedSince: UInt64) async throws -> ConditionalFlagUpdate { throw unused() }
    func expunge(mailboxID: MailboxID, uids: [UInt32]) async throws -> [UInt32] { throw unused() }
    func expungeLogFloor(mailboxID: MailboxID) async throws -> UInt64 { throw unused() }
    func expunged(mailboxID: MailboxID, sinceModSeq modSeq: UInt64) async throws -> [(uid: UInt32, modSeq: UInt64)] {
        throw unused()
    }
    func messageIndex(mailboxID: MailboxID) async throws -> [MessageIndexEntry] { throw unused() }
    func messageIndex(mailboxID: MailboxID, changedSinceModSeq modSeq: UInt64) async throws -> [MessageIndexEntry] {
        throw unused()
    }
    func messages(mailboxID: MailboxID, uids: [UInt32]) async throws -> [StoredMessage] { throw unused() }
    func messageBytes(_ message: StoredMessage, range: Range<Int>) async throws -> [UInt8] { throw unused() }
    func copyMessages(from source: MailboxID, uids: [UInt32], to destination: MailboxID) async throws -> CopyOutcome {
        throw unused()
    }
    func moveMessages(from source: MailboxID, uids: [UInt32], to destination: MailboxID) async throws -> CopyOutcome {
        throw unused()
    }
    func putSieveScript(accountID: AccountID, name: String, content: String) async throws { throw unused() }
    func sieveScript(accountID: AccountID, name: String) async throws -> String? { throw unused() }
    func sieveScripts(accountID: AccountID) async throws -> [SieveScriptEntry] { throw unused() }
    func activateSieveScript(accountID: AccountID, name: String?) async throws { throw unused() }
    func deleteSieveScript(accountID: AccountID, name: String) async throws { throw unused() }
    func renameSieveScript(accountID: AccountID, from: String, to: String) async throws { throw unused() }
    func activeSieveScript(accountID: AccountID) async throws -> ActiveSieveScript? { throw unused() }
    func enqueueOutbound(_ messages: [OutboundMessage], recording memory: [SieveMemoryRecord]) async throws -> [OutboundQueueID] { throw unused() }
    func outboundQueue() async throws -> [OutboundQueueEntry] { throw unused() }
    func outboundContent(id: OutboundQueueID) async throws -> [UInt8]? { throw unused() }
    func removeOutbound(id: OutboundQueueID) async throws { throw unused() }
    func sieveMemory(accountID: AccountID, keys: [SieveMemoryKey]) async throws -> [SieveMemoryKey: SieveMemoryEntry] { throw unused() }
    nonisolated func changes() -> AsyncStream<MailboxChange> { AsyncStream { $0.finish() } }
    func checkHealth() async throws {}
}
