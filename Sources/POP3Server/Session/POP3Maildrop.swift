// The snapshot of INBOX a POP3 session works on (RFC 1939 §5): message numbers 1…n are fixed at
// login, DELE only marks, and the marks are committed at QUIT.

import MailStore

/// INBOX as it was at login, plus the session's deletion marks. A value owned by one session.
public struct POP3Maildrop: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// What `MailStore.messageBytes` needs; `metadata` is dropped to keep big maildrops small.
        public var message: StoredMessage
        public var deleted = false
    }

    public let mailboxID: MailboxID
    public let uidValidity: UInt32
    public private(set) var entries: [Entry]

    public init(mailbox: Mailbox, messages: [StoredMessage]) {
        self.mailboxID = mailbox.id
        self.uidValidity = mailbox.uidValidity
        self.entries = messages.map { message in
            var slim = message
            slim.metadata = .init()
            return Entry(message: slim)
        }
    }

    /// The live (not deleted) entry with this 1-based number; nil when out of range or deleted.
    /// RFC 1939 §5: "may not refer to a message marked as deleted".
    public func entry(_ number: Int) -> Entry? {
        guard number >= 1, number <= entries.count, !entries[number - 1].deleted else { return nil }
        return entries[number - 1]
    }

    /// True when `number` names a message of the snapshot, deleted or not.
    public func exists(_ number: Int) -> Bool {
        number >= 1 && number <= entries.count
    }

    /// STAT: RFC 1939 §5 counts neither deleted messages nor their octets.
    public var liveCount: Int { entries.count { !$0.deleted } }
    public var liveOctets: Int { entries.reduce(0) { $0 + ($1.deleted ? 0 : $1.message.size) } }

    /// The 1-based numbers of the messages not marked deleted, in order.
    public var liveNumbers: [Int] { entries.indices.filter { !entries[$0].deleted }.map { $0 + 1 } }

    public mutating func markDeleted(_ number: Int) {
        guard exists(number) else { return }
        entries[number - 1].deleted = true
    }

    /// RSET, RFC 1939 §5.
    public mutating func unmarkAll() {
        for index in entries.indices { entries[index].deleted = false }
    }

    /// The UIDs to expunge at QUIT.
    public var deletedUIDs: [UInt32] { entries.filter(\.deleted).map(\.message.uid) }

    /// RFC 1939 §7 UIDL: 1-70 characters in 0x21-0x7E, unique and never reused for the maildrop.
    /// UIDVALIDITY with UID is exactly that (a new UIDVALIDITY changes every id, as it must).
    public func uniqueID(_ number: Int) -> String? {
        guard let entry = entry(number) else { return nil }
        return "\(uidValidity).\(entry.message.uid)"
    }
}
