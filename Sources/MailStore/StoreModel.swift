// The values the store hands out. Plain Sendable structs: a session copies what it needs and never
// holds a database handle.
import Foundation
import MailMessage

public typealias AccountID = Int64
public typealias MailboxID = Int64
public typealias MessageID = Int64

public struct Domain: Sendable, Equatable, Codable {
    public var name: String              // lower-case ASCII (IDNA A-label form)
    public var catchAll: String?         // where mail for unknown local parts goes; nil = rejected
    public init(name: String, catchAll: String? = nil) {
        self.name = name
        self.catchAll = catchAll
    }
}

public struct Account: Sendable, Equatable, Codable {
    public var id: AccountID
    public var address: String           // "local@domain", local part as created, domain lower-case
    public var passwordHash: String      // "$argon2id$…" or a migrated crypt(3) hash
    public var quotaBytes: Int64?        // nil: unlimited
    public var usedBytes: Int64          // sum of RFC822.SIZE over the account's messages
    public var messageCount: Int64
    /// Most messages the account may hold (RFC 9208 MESSAGE resource); nil: unlimited.
    public var quotaMessages: Int64?
    public init(id: AccountID, address: String, passwordHash: String, quotaBytes: Int64?,
                usedBytes: Int64, messageCount: Int64, quotaMessages: Int64? = nil) {
        self.id = id
        self.address = address
        self.passwordHash = passwordHash
        self.quotaBytes = quotaBytes
        self.usedBytes = usedBytes
        self.messageCount = messageCount
        self.quotaMessages = quotaMessages
    }
}

/// An address that expands to one or more targets (local accounts, other aliases, or remote
/// addresses). A distribution list is an alias with several targets.
public struct Alias: Sendable, Equatable, Codable {
    public var address: String
    public var targets: [String]
    public init(address: String, targets: [String]) {
        self.address = address
        self.targets = targets
    }
}

/// RFC 6154 special-use attributes.
public enum SpecialUse: String, Sendable, Codable, CaseIterable {
    case all = "\\All"
    case archive = "\\Archive"
    case drafts = "\\Drafts"
    case flagged = "\\Flagged"
    case junk = "\\Junk"
    case sent = "\\Sent"
    case trash = "\\Trash"
    case important = "\\Important"     // RFC 8457
}

public struct Mailbox: Sendable, Equatable, Codable {
    public var id: MailboxID
    public var accountID: AccountID
    public var name: String              // full UTF-8 name, "/" as the hierarchy delimiter; "INBOX"
    public var uidValidity: UInt32
    public var uidNext: UInt32
    public var highestModSeq: UInt64
    public var specialUse: SpecialUse?
    public var subscribed: Bool
    public var messageCount: Int
    public var unseenCount: Int
    public var totalBytes: Int64
    public init(id: MailboxID, accountID: AccountID, name: String, uidValidity: UInt32, uidNext: UInt32,
                highestModSeq: UInt64, specialUse: SpecialUse?, subscribed: Bool,
                messageCount: Int, unseenCount: Int, totalBytes: Int64) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.uidValidity = uidValidity
        self.uidNext = uidNext
        self.highestModSeq = highestModSeq
        self.specialUse = specialUse
        self.subscribed = subscribed
        self.messageCount = messageCount
        self.unseenCount = unseenCount
        self.totalBytes = totalBytes
    }
}

/// The bytes of one message, shared by every recipient it is delivered to: the store keeps them
/// once, addressed by SHA-256.
public struct MessageContent: Sendable, Equatable {
    public let bytes: [UInt8]
    public let sha256: String            // lower-case hex
    /// True when this value computed `sha256` from `bytes` itself (`init(bytes:)`). Both are
    /// constants, so such a digest is right by construction and the append need not hash the body
    /// a second time to check the key (issue 8: two SHA-256 passes per delivered message before).
    let digestComputedHere: Bool
    public init(bytes: [UInt8], sha256: String) {
        self.init(bytes: bytes, sha256: sha256, digestComputedHere: false)
    }

    init(bytes: [UInt8], sha256: String, digestComputedHere: Bool) {
        self.bytes = bytes
        self.sha256 = sha256
        self.digestComputedHere = digestComputedHere
    }

    /// The same body under the same key, however the digest was obtained.
    public static func == (lhs: MessageContent, rhs: MessageContent) -> Bool {
        lhs.sha256 == rhs.sha256 && lhs.bytes == rhs.bytes
    }
}

/// Header and address fields kept in columns so searches never open a blob.
public struct SearchFields: Sendable, Equatable, Codable {
    public var subject: String
    public var from: String
    public var to: String
    public var cc: String
    public var bcc: String
    public var messageIDHeader: String
    public var sentDate: Date?
    /// SORT and THREAD keys (issue 8), stored in their own columns; nil when the caller did not
    /// compute them, and the store then derives them from the request's metadata.
    public var sortKeys: MessageSortKeys?
    public init(subject: String = "", from: String = "", to: String = "", cc: String = "",
                bcc: String = "", messageIDHeader: String = "", sentDate: Date? = nil, sortKeys: MessageSortKeys? = nil) {
        self.sortKeys = sortKeys
        self.subject = subject
        self.from = from
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.messageIDHeader = messageIDHeader
        self.sentDate = sentDate
    }
}

/// What the store knows about one address, for recipient resolution: its domain when that is
/// local, and the account or alias of that name (an address is never both).
public struct AddressLookup: Sendable, Equatable {
    /// Whether the account has an active Sieve script, read with the account: delivery needs both,
    /// and one read instead of two takes a store round trip off every message (issue 8).
    public enum SieveScriptState: Sendable, Equatable {
        case noActiveScript
        case active(ActiveSieveScript)
    }

    public var domain: Domain?
    public var account: Account?
    public var alias: Alias?
    /// The account's script, when the backend read it with the account; nil when it did not say
    /// (delivery then asks `activeSieveScript(accountID:)`).
    public var sieveScript: SieveScriptState?
    public init(domain: Domain? = nil, account: Account? = nil, alias: Alias? = nil,
                sieveScript: SieveScriptState? = nil) {
        self.domain = domain
        self.account = account
        self.alias = alias
        self.sieveScript = sieveScript
    }
}

public enum MailboxSelector: Sendable, Equatable {
    case inbox
    case id(MailboxID)
    case name(String)
}

/// One message to store for one account. `prefix` holds the per-recipient trace fields
/// (Return-Path, Delivered-To) that precede the shared content; the message a client reads is
/// `prefix + content.bytes`.
public struct AppendRequest: Sendable {
    public var accountID: AccountID
    public var mailbox: MailboxSelector
    public var prefix: [UInt8]
    public var content: MessageContent
    public var flags: [String]           // "\\Seen", "$Forwarded", …
    public var internalDate: Date
    public var metadata: Data            // the parsed summary (MailMessage), opaque to the store
    public var searchFields: SearchFields
    public var enforceQuota: Bool
    /// How the message arrived over SMTP/LMTP (reverse-path, recipient, DSN parameters), encoded by
    /// the Delivery pipeline; empty for APPEND and import.
    public var deliveryEnvelope: Data
    public init(accountID: AccountID, mailbox: MailboxSelector = .inbox, prefix: [UInt8] = [],
                content: MessageContent, flags: [String] = [], internalDate: Date = Date(),
                metadata: Data = Data(), searchFields: SearchFields = SearchFields(), enforceQuota: Bool = true,
                deliveryEnvelope: Data = Data()) {
        self.deliveryEnvelope = deliveryEnvelope
        self.accountID = accountID
        self.mailbox = mailbox
        self.prefix = prefix
        self.content = content
        self.flags = flags
        self.internalDate = internalDate
        self.metadata = metadata
        self.searchFields = searchFields
        self.enforceQuota = enforceQuota
    }
}

public struct AppendedMessage: Sendable, Equatable {
    public var messageID: MessageID
    public var mailboxID: MailboxID
    public var uidValidity: UInt32
    public var uid: UInt32
    public var modSeq: UInt64
    public init(messageID: MessageID, mailboxID: MailboxID, uidValidity: UInt32, uid: UInt32, modSeq: UInt64) {
        self.messageID = messageID
        self.mailboxID = mailboxID
        self.uidValidity = uidValidity
        self.uid = uid
        self.modSeq = modSeq
    }
}

public struct StoredMessage: Sendable, Equatable {
    public var id: MessageID
    public var mailboxID: MailboxID
    public var uid: UInt32
    public var modSeq: UInt64
    public var flags: [String]           // sorted; system flags with their backslash
    public var internalDate: Date
    public var saveDate: Date
    public var size: Int                 // prefix + content: RFC822.SIZE
    public var contentSHA256: String
    public var prefixLength: Int
    public var metadata: Data
    public init(id: MessageID, mailboxID: MailboxID, uid: UInt32, modSeq: UInt64, flags: [String],
                internalDate: Date, saveDate: Date, size: Int, contentSHA256: String, prefixLength: Int, metadata: Data) {
        self.id = id
        self.mailboxID = mailboxID
        self.uid = uid
        self.modSeq = modSeq
        self.flags = flags
        self.internalDate = internalDate
        self.saveDate = saveDate
        self.size = size
        self.contentSHA256 = contentSHA256
        self.prefixLength = prefixLength
        self.metadata = metadata
    }
}

public enum FlagOperation: Sendable, Equatable {
    case add, remove, replace
}

/// Published after the commit that made it, so a listener that reads the store sees the change.
public struct MailboxChange: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case appended(uid: UInt32)
        case flagsChanged(uid: UInt32)
        case expunged(uid: UInt32)
        case mailboxCreated, mailboxDeleted, mailboxRenamed
    }
    public var accountID: AccountID
    public var mailboxID: MailboxID
    public var modSeq: UInt64
    public var kind: Kind
    public init(accountID: AccountID, mailboxID: MailboxID, modSeq: UInt64, kind: Kind) {
        self.accountID = accountID
        self.mailboxID = mailboxID
        self.modSeq = modSeq
        self.kind = kind
    }
}

public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(String)
    case alreadyExists(String)
    case invalidName(String)
    case overQuota(accountID: AccountID)
    case messageTooLarge
    case inUse(String)
    case backend(String)                 // an I/O or database failure; never shown to clients verbatim

    public var description: String {
        switch self {
        case .notFound(let what): return "not found: \(what)"
        case .alreadyExists(let what): return "already exists: \(what)"
        case .invalidName(let what): return "invalid name: \(what)"
        case .overQuota(let id): return "account \(id) is over quota"
        case .messageTooLarge: return "message too large"
        case .inUse(let what): return "in use: \(what)"
        case .backend(let what): return "storage failure: \(what)"
        }
    }
}
