// The one store interface every protocol talks to (DESIGN.md rule 7). SQLiteMailStore is the
// embedded implementation; a PostgreSQL one will run the same behaviour suite.
import Foundation

public protocol MailStore: Sendable {
    // MARK: Domains
    func addDomain(_ name: String) async throws
    func removeDomain(_ name: String) async throws
    func domains() async throws -> [Domain]
    func domain(named name: String) async throws -> Domain?
    /// Mail for unknown local parts of `domain` goes to `target`; nil switches catch-all off.
    func setCatchAll(domain: String, target: String?) async throws

    // MARK: Accounts (a new account gets INBOX, Drafts, Sent, Trash, Junk and Archive)
    @discardableResult
    func addAccount(address: String, passwordHash: String, quotaBytes: Int64?) async throws -> Account
    func removeAccount(address: String) async throws
    func account(address: String) async throws -> Account?
    func account(id: AccountID) async throws -> Account?
    func accounts(domain: String?) async throws -> [Account]
    func setPasswordHash(address: String, hash: String) async throws
    func setQuota(address: String, bytes: Int64?) async throws
    /// The MESSAGE quota (RFC 9208 §5.2): most messages the account may hold; nil: unlimited.
    /// Delivery, APPEND and COPY past it fail with `.overQuota`; existing messages stay.
    func setMessageQuota(address: String, messages: Int64?) async throws

    // Credentials beyond the password hash. `setPasswordHash` clears the SCRAM keys: keys of an
    // old password must never outlive it.
    /// The account's SCRAM-SHA-256 keys (RFC 5802 §3) as Auth encodes them; nil when not made yet.
    func scramCredentials(accountID: AccountID) async throws -> String?
    /// Sets or clears the SCRAM keys; the account must exist.
    func setSCRAMCredentials(address: String, credentials: String?) async throws
    /// Every app password of the account, by name.
    func appPasswords(accountID: AccountID) async throws -> [AppPassword]
    /// Throws `alreadyExists` for a name in use, `overQuota` past `AppPassword.maximumPerAccount`.
    func addAppPassword(address: String, _ appPassword: AppPassword) async throws
    /// Throws `notFound` when the account has no app password of that name.
    func removeAppPassword(address: String, name: String) async throws

    // MARK: Aliases and lists
    func addAlias(address: String, targets: [String]) async throws
    func removeAlias(address: String) async throws
    func alias(address: String) async throws -> Alias?
    func aliases(domain: String?) async throws -> [Alias]

    /// The domain, account and alias for one address, in one read (a domain that is not local
    /// gives an empty lookup).
    func lookUp(address: String) async throws -> AddressLookup

    // MARK: Mailboxes
    func mailboxes(accountID: AccountID) async throws -> [Mailbox]
    func mailbox(accountID: AccountID, name: String) async throws -> Mailbox?
    @discardableResult
    func createMailbox(accountID: AccountID, name: String, specialUse: SpecialUse?) async throws -> Mailbox
    func deleteMailbox(accountID: AccountID, name: String) async throws
    func renameMailbox(accountID: AccountID, from: String, to: String) async throws
    func setSubscribed(accountID: AccountID, name: String, subscribed: Bool) async throws

    // MARK: Messages
    /// Stores every request durably before returning (group commit: concurrent calls share one
    /// transaction and one fsync). Outcomes are in request order; a failed request (over quota, no
    /// such mailbox) does not fail the others.
    func append(_ requests: [AppendRequest]) async throws -> [Result<AppendedMessage, StoreError>]
    /// The messages of a mailbox in UID order.
    func messages(mailboxID: MailboxID) async throws -> [StoredMessage]
    func message(mailboxID: MailboxID, uid: UInt32) async throws -> StoredMessage?
    /// The SMTP envelope stored with the message at delivery (`AppendRequest.deliveryEnvelope`),
    /// nil when it had none.
    func deliveryEnvelope(of message: StoredMessage) async throws -> Data?
    /// The full message as a client reads it: prefix + content.
    func messageBytes(_ message: StoredMessage) async throws -> [UInt8]
    /// The same bytes in pieces of about `chunkSize` octets, read as the consumer asks for them:
    /// RETR and BODY[] stream large messages without holding them in memory.
    func messageChunks(_ message: StoredMessage, chunkSize: Int) async throws -> AsyncThrowingStream<[UInt8], any Error>
    /// The same pieces, each read straight into memory the caller makes: for each piece the
    /// store calls `fill(count, read)` on its own threads, and `fill` calls `read` exactly once
    /// with room for `count` octets, which it fills completely. Why: POP3 reads a large message
    /// from its blob file straight into the socket's buffer, with no array per MiB and one copy
    /// fewer; the store does not know NIO's buffer type, so the caller allocates (issue 8).
    func messageChunks<Output: Sendable>(
        _ message: StoredMessage, chunkSize: Int,
        fill: @escaping @Sendable (_ count: Int, _ read: (UnsafeMutableRawBufferPointer) throws -> Void) throws -> Output
    ) async throws -> AsyncThrowingStream<Output, any Error>
    /// The message's content file, opened, when it can go to a POP3 client as it lies (no line
    /// starts with ".", it ends with CRLF: `PlainBytes.check`); nil when it is stored inline, not
    /// plain, not known to be plain yet, or the message is gone. Why: RETR of a large message
    /// over plain POP3 is then one `sendfile`, no read into memory and no stuffing scan (issue 8).
    func plainContentFile(_ message: StoredMessage) async throws -> PlainContentFile?
    /// Changes the flags of the given UIDs, bumping MODSEQ; returns the messages as they are now.
    func updateFlags(mailboxID: MailboxID, uids: [UInt32], operation: FlagOperation,
                     flags: [String]) async throws -> [StoredMessage]
    /// RFC 7162 §3.1.3 STORE (UNCHANGEDSINCE n): in one transaction, applies the change only to
    /// the messages whose MODSEQ is at most `unchangedSince`; the others are returned as modified.
    func updateFlags(mailboxID: MailboxID, uids: [UInt32], operation: FlagOperation, flags: [String],
                     unchangedSince: UInt64) async throws -> ConditionalFlagUpdate
    /// Removes the given UIDs, records them in the expunge log; returns the UIDs removed. The log
    /// keeps each entry for at least the store's retention (SQLite: 180 days by default), so a
    /// device offline for months still resynchronises with QRESYNC (RFC 7162 §3.2.5.1).
    func expunge(mailboxID: MailboxID, uids: [UInt32]) async throws -> [UInt32]
    /// `expunge(mailboxID:uids:)` with the MODSEQ each removal got, in UID order: an IMAP session
    /// that knows the MODSEQs of its own changes need not read them back (issue 8).
    func expungeWithModSeqs(mailboxID: MailboxID, uids: [UInt32]) async throws -> [(uid: UInt32, modSeq: UInt64)]
    /// RFC 9051 §6.4.3: removes the messages flagged \Deleted among `candidates` (what the IMAP
    /// session may expunge: the UIDs it knows, or UID EXPUNGE's set), with their MODSEQs in UID
    /// order. A message not flagged \Deleted when the removal runs stays.
    func expungeDeleted(mailboxID: MailboxID, among candidates: [UInt32]) async throws -> [(uid: UInt32, modSeq: UInt64)]
    /// (uid, modseq) of messages expunged from the mailbox with a MODSEQ above `modSeq`.
    func expunged(mailboxID: MailboxID, sinceModSeq modSeq: UInt64) async throws -> [(uid: UInt32, modSeq: UInt64)]
    /// The highest MODSEQ of any expunge-log entry pruned from the mailbox (0: nothing pruned).
    /// `expunged(sinceModSeq:)` is complete only for a `modSeq` at or above it; below, a QRESYNC
    /// client must be told of every UID it knows that is gone (RFC 7162 §3.2.6 <minmodseq>).
    func expungeLogFloor(mailboxID: MailboxID) async throws -> UInt64

    // MARK: Messages for IMAP sessions (index, batched reads, partial bytes, COPY/MOVE)
    /// UID, MODSEQ and flags of every message, in UID order: what SELECT and session bookkeeping
    /// need, without metadata (fast for 10,000 messages). An unknown mailbox gives an empty list.
    func messageIndex(mailboxID: MailboxID) async throws -> [MessageIndexEntry]
    /// Messages whose MODSEQ is above `modSeq` (flag changes and appends), in UID order: CONDSTORE
    /// CHANGEDSINCE, QRESYNC and session updates (RFC 7162 §3.1.4.1).
    func messageIndex(mailboxID: MailboxID, changedSinceModSeq modSeq: UInt64) async throws -> [MessageIndexEntry]
    /// UIDs of the messages flagged \Deleted, in UID order: what EXPUNGE removes (RFC 9051 §6.4.3),
    /// without building every message's index entry.
    func deletedUIDs(mailboxID: MailboxID) async throws -> [UInt32]
    /// `messageIndex(changedSinceModSeq:)` and `expunged(sinceModSeq:)` together, from one
    /// snapshot: what an IMAP session reads after every command that changed its mailbox.
    func changes(mailboxID: MailboxID, sinceModSeq modSeq: UInt64) async throws
        -> (changed: [MessageIndexEntry], expunged: [(uid: UInt32, modSeq: UInt64)])
    /// Full rows for the given UIDs in UID order; UIDs with no message are skipped, duplicates
    /// collapse. Any number of UIDs: the queries are batched.
    func messages(mailboxID: MailboxID, uids: [UInt32]) async throws -> [StoredMessage]
    /// The same rows with `metadata` possibly left empty: for a SEARCH that looks at flags, dates
    /// and sizes only, which need not copy every message's summary out of the database.
    func messagesWithoutMetadata(mailboxID: MailboxID, uids: [UInt32]) async throws -> [StoredMessage]
    /// Octets `range` of the message as a client reads it (prefix + content), clamped to its size
    /// (an empty or out-of-bounds range gives no bytes). Reads only those octets: BODY[]<start.len>.
    func messageBytes(_ message: StoredMessage, range: Range<Int>) async throws -> [UInt8]
    /// The same for many messages in one store trip, in request order: FETCH of the headers of a
    /// batch of messages (a client's message list) costs one read, not one per message.
    func messageBytes(_ requests: [MessageRangeRequest]) async throws -> [[UInt8]]
    /// Whole messages handed to `render` (with their row) as the store's own bytes, in request
    /// order, in one store trip: the prefix and the content, borrowed (valid only during the
    /// call). Why: a POP3
    /// download renders (byte-stuffs) a batch of small messages straight from SQLite's blob memory
    /// instead of copying each through `Data` and `[UInt8]` first. Meant for small messages:
    /// `render` runs on the store's threads and file contents are read there too. Throws
    /// `.notFound` when a message is gone.
    func renderMessages<Output: Sendable>(
        _ messages: [StoredMessage],
        _ render: @escaping @Sendable (_ message: StoredMessage, _ prefix: UnsafeRawBufferPointer,
                                        _ content: UnsafeRawBufferPointer) throws -> Output
    ) async throws -> [Output]
    /// RFC 4315 / RFC 9051 §6.4.7: copies the existing `uids` of `source` (others are skipped) to
    /// `destination`, sharing the stored content, keeping flags and internal date, with new UIDs
    /// in source UID order. Durable before it returns; all or nothing. Throws `.overQuota` when
    /// the copies would exceed the account's quota, `.notFound` when either mailbox does not exist
    /// or the destination belongs to another account.
    func copyMessages(from source: MailboxID, uids: [UInt32], to destination: MailboxID) async throws -> CopyOutcome
    /// RFC 6851 §3.3: copy and expunge from `source` as one transaction (the expunges are logged
    /// with their MODSEQ for VANISHED). The account's usage does not change, so no quota check.
    func moveMessages(from source: MailboxID, uids: [UInt32], to destination: MailboxID) async throws -> CopyOutcome

    // MARK: Fast paths for SEARCH and SELECT (issues 4 and 8)
    /// UIDs of the mailbox whose `field` may contain `term` (RFC 9051 §6.4.4 substring,
    /// case-insensitive): a superset of the matches, never missing one, for the caller to confirm
    /// with its matcher. Nil when the store cannot narrow this search (no index, a term of fewer
    /// than 3 characters): the caller then tests every message.
    func fullTextCandidates(mailboxID: MailboxID, term: String, field: FullTextField) async throws -> Set<UInt32>?
    /// Everything SELECT reports, read in one snapshot without reading every message row: the
    /// mailbox (UIDNEXT, HIGHESTMODSEQ), its UIDs, the first unseen UID and the keywords in use.
    /// Nil when the account has no mailbox of that name.
    func mailboxSelection(accountID: AccountID, name: String) async throws -> MailboxSelection?
    /// UIDs of the messages that have every flag in `flagged` and none in `unflagged` (names
    /// compared case-insensitively, RFC 9051 §2.3.2), in UID order: SEARCH UNSEEN answered from
    /// an index of UIDs instead of every message row (issue 8). Default in MailStore+FlagSearch.swift.
    func uids(mailboxID: MailboxID, flagged: [String], unflagged: [String]) async throws -> [UInt32]
    /// For each message among `uids` with a stored summary (`StoredMessage.metadata`), calls
    /// `test` with the summary's bytes (borrowed, valid during the call only); returns the UIDs it
    /// accepted and, in `undecided`, those without a summary or for which it answered nil.
    /// SEARCH FROM over a mailbox tests one field per summary; copying each row out of the
    /// database cost more than the test (issue 8). Default in MailStore+SummarySearch.swift.
    func searchSummaries(mailboxID: MailboxID, uids: [UInt32],
                         _ test: @escaping @Sendable (Data) -> Bool?) async throws -> SummarySearchOutcome
    /// `searchSummaries` for keys the folded header text decides (FROM, TO, CC, BCC, SUBJECT and
    /// AND/OR/NOT of them): each message's `FoldedSearchFields`, stored at delivery, goes to
    /// `search.folded`, a message without them has its summary tested by `search.summary`; the
    /// outcome is the same as `searchSummaries` with that summary test (issue 8: SEARCH FROM
    /// without locating and folding a field of each summary). Default in MailStore+FoldedFieldSearch.swift.
    func searchFoldedFields(mailboxID: MailboxID, uids: [UInt32],
                            _ search: FoldedFieldSearch) async throws -> SummarySearchOutcome
    /// SORT and THREAD keys of the given UIDs (issue 8), in UID order; UIDs with no message are
    /// skipped. Only the key families in `fields` are filled in: SORT (DATE) reads a date per
    /// message, not a summary.
    func sortRecords(mailboxID: MailboxID, uids: [UInt32], fields: MessageSortRecord.Fields) async throws
        -> [MessageSortRecord]

    // MARK: Sieve scripts (RFC 5804 semantics; at most one active per account)
    /// Stores or replaces the script `name`; a replaced script keeps its active state. Throws
    /// `.messageTooLarge` above `SieveScriptLimits.maxScriptBytes` and `.overQuota` when the
    /// account already has `SieveScriptLimits.maxScriptsPerAccount` scripts. The store does not
    /// compile the content: callers (ManageSieve, the CLI) check it first.
    func putSieveScript(accountID: AccountID, name: String, content: String) async throws
    /// The source of one script, nil when there is none by that name.
    func sieveScript(accountID: AccountID, name: String) async throws -> String?
    /// Every script of the account, by name.
    func sieveScripts(accountID: AccountID) async throws -> [SieveScriptEntry]
    /// Makes `name` the only active script; nil deactivates all (RFC 5804 §2.8).
    func activateSieveScript(accountID: AccountID, name: String?) async throws
    /// Throws `.inUse` for the active script (RFC 5804 §2.10 ACTIVE) and `.notFound` when absent.
    func deleteSieveScript(accountID: AccountID, name: String) async throws
    /// Renames keeping the active state; `.alreadyExists` when `to` is taken (RFC 5804 §2.11).
    func renameSieveScript(accountID: AccountID, from: String, to: String) async throws
    /// What delivery runs: the active script, or nil.
    func activeSieveScript(accountID: AccountID) async throws -> ActiveSieveScript?

    // MARK: Outbound queue (DESIGN.md) and Sieve memory (RFC 7352, RFC 5230 §4.2)
    /// Queues `messages` and records `memory` in one transaction, so a delivery's redirect and
    /// its duplicate/vacation records commit together before the message is acknowledged.
    /// Returns the new queue ids in order.
    func enqueueOutbound(_ messages: [OutboundMessage], recording memory: [SieveMemoryRecord]) async throws -> [OutboundQueueID]
    /// Every queued message, oldest first, without its bytes.
    func outboundQueue() async throws -> [OutboundQueueEntry]
    /// The bytes of one queued message, nil when there is none by that id.
    func outboundContent(id: OutboundQueueID) async throws -> [UInt8]?
    /// Throws `.notFound` when there is no such entry.
    func removeOutbound(id: OutboundQueueID) async throws
    /// The remembered entries among `keys` for the account (expired ones included: the caller
    /// decides with its own period), keyed as asked.
    func sieveMemory(accountID: AccountID, keys: [SieveMemoryKey]) async throws -> [SieveMemoryKey: SieveMemoryEntry]

    // MARK: Change feed and health
    /// Every committed append, flag change and expunge (COPY/MOVE publish appends in the
    /// destination, then MOVE's expunges in the source), in commit order, for as long as the stream
    /// is consumed.
    func changes() -> AsyncStream<MailboxChange>
    /// The same changes handed to `observer` on the committing thread, before the writer that made
    /// them is answered: whoever is told of a commit (an IMAP client's tagged OK) can rely on the
    /// observer having seen it. `observer` must be quick and never block or suspend. Nil when the
    /// backend has no such feed (use `changes()`).
    func observeChanges(_ observer: @escaping @Sendable ([MailboxChange]) -> Void) -> ChangeObservation?
    /// Throws when the database does not answer.
    func checkHealth() async throws
}

/// One message and the octets of it wanted (see `MailStore.messageBytes(_:)`).
public struct MessageRangeRequest: Sendable {
    public var message: StoredMessage
    public var range: Range<Int>

    public init(message: StoredMessage, range: Range<Int>) {
        self.message = message
        self.range = range
    }
}

extension MailStore {
    /// No synchronous feed by default: observers use `changes()`.
    public func observeChanges(_ observer: @escaping @Sendable ([MailboxChange]) -> Void) -> ChangeObservation? {
        nil
    }

    /// One read per message: correct for any backend; SQLite answers the batch in one trip.
    public func messageBytes(_ requests: [MessageRangeRequest]) async throws -> [[UInt8]] {
        var results: [[UInt8]] = []
        results.reserveCapacity(requests.count)
        for request in requests { results.append(try await messageBytes(request.message, range: request.range)) }
        return results
    }

    /// The batch read of `messageBytes`, each message handed over as one part: correct for any
    /// backend; SQLite lends its blob memory instead.
    public func renderMessages<Output: Sendable>(
        _ messages: [StoredMessage],
        _ render: @escaping @Sendable (_ message: StoredMessage, _ prefix: UnsafeRawBufferPointer,
                                        _ content: UnsafeRawBufferPointer) throws -> Output
    ) async throws -> [Output] {
        let contents = try await messageBytes(messages.map { MessageRangeRequest(message: $0, range: 0..<Int.max) })
        return try zip(messages, contents).map { message, bytes in
            try bytes.withUnsafeBytes { try render(message, UnsafeRawBufferPointer(start: nil, count: 0), $0) }
        }
    }
}

extension MailStore {
    /// No backend but SQLite keeps content files: callers stream the message instead.
    public func plainContentFile(_ message: StoredMessage) async throws -> PlainContentFile? { nil }
}

extension MailStore {
    /// Over the `[UInt8]` pieces, each copied into the caller's memory: correct for any backend;
    /// SQLite reads its files straight into it.
    public func messageChunks<Output: Sendable>(
        _ message: StoredMessage, chunkSize: Int,
        fill: @escaping @Sendable (_ count: Int, _ read: (UnsafeMutableRawBufferPointer) throws -> Void) throws -> Output
    ) async throws -> AsyncThrowingStream<Output, any Error> {
        let pieces = ChunkIteratorBox(try await messageChunks(message, chunkSize: chunkSize))
        return AsyncThrowingStream(unfolding: {
            guard let piece = try await pieces.next() else { return nil }
            return try piece.withUnsafeBytes { bytes in
                try fill(bytes.count) { destination in
                    guard destination.count >= bytes.count else { throw StoreError.backend("chunk buffer too small") }
                    destination.copyMemory(from: bytes)
                }
            }
        })
    }
}

/// The iterator of a chunk stream, advanced by another stream's unfolding closure.
/// `@unchecked Sendable`: that closure is never called concurrently with itself, so the iterator
/// is only ever used by one caller at a time.
private final class ChunkIteratorBox: @unchecked Sendable {
    private var iterator: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator

    init(_ stream: AsyncThrowingStream<[UInt8], any Error>) {
        iterator = stream.makeAsyncIterator()
    }

    func next() async throws -> [UInt8]? {
        try await iterator.next()
    }
}

extension MailStore {
    /// MODSEQ 0 (unknown), for stores that do not say: a session then reads its changes back.
    public func expungeWithModSeqs(mailboxID: MailboxID, uids: [UInt32]) async throws -> [(uid: UInt32, modSeq: UInt64)] {
        try await expunge(mailboxID: mailboxID, uids: uids).map { ($0, 0) }
    }

    /// A read, then the removal, for stores without one transaction for both.
    public func expungeDeleted(mailboxID: MailboxID, among candidates: [UInt32]) async throws
        -> [(uid: UInt32, modSeq: UInt64)] {
        let allowed = Set(candidates)
        let deleted = try await deletedUIDs(mailboxID: mailboxID).filter { allowed.contains($0) }
        guard !deleted.isEmpty else { return [] }
        return try await expungeWithModSeqs(mailboxID: mailboxID, uids: deleted)
    }

    /// From the whole index, for stores without a cheaper read.
    public func deletedUIDs(mailboxID: MailboxID) async throws -> [UInt32] {
        try await messageIndex(mailboxID: mailboxID).filter { $0.flags.contains("\\Deleted") }.map(\.uid)
    }

    /// Full rows, for stores without a cheaper read.
    public func messagesWithoutMetadata(mailboxID: MailboxID, uids: [UInt32]) async throws -> [StoredMessage] {
        try await messages(mailboxID: mailboxID, uids: uids)
    }

    /// Two reads, for stores without a faster way.
    public func changes(mailboxID: MailboxID, sinceModSeq modSeq: UInt64) async throws
        -> (changed: [MessageIndexEntry], expunged: [(uid: UInt32, modSeq: UInt64)]) {
        let changed = try await messageIndex(mailboxID: mailboxID, changedSinceModSeq: modSeq)
        return (changed, try await expunged(mailboxID: mailboxID, sinceModSeq: modSeq))
    }

    /// From each message's summary, for stores without sort columns.
    public func sortRecords(mailboxID: MailboxID, uids: [UInt32], fields: MessageSortRecord.Fields) async throws
        -> [MessageSortRecord] {
        try await messages(mailboxID: mailboxID, uids: uids).map(MessageSortRecord.init(message:))
    }

    /// Without an index, every message is a candidate.
    public func fullTextCandidates(mailboxID: MailboxID, term: String, field: FullTextField) async throws -> Set<UInt32>? {
        nil
    }

    /// Built from the mailbox and its message index, for stores without a faster way.
    public func mailboxSelection(accountID: AccountID, name: String) async throws -> MailboxSelection? {
        guard let mailbox = try await mailbox(accountID: accountID, name: name) else { return nil }
        let index = try await messageIndex(mailboxID: mailbox.id)
        var keywords: [String] = []
        var seen = Set<String>()
        for entry in index {
            for flag in entry.flags where !flag.hasPrefix("\\") && seen.insert(flag.lowercased()).inserted {
                keywords.append(flag)
            }
        }
        let highest = max(index.map(\.modSeq).max() ?? 0, mailbox.highestModSeq)
        var current = mailbox
        current.highestModSeq = highest
        return MailboxSelection(mailbox: current, uids: index.map(\.uid),
                                firstUnseenUID: index.first { !$0.flags.contains("\\Seen") }?.uid, keywords: keywords)
    }
}
