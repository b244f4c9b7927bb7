// Row → value conversions, with the column lists they expect. Integers are read as Int64 and
// narrowed explicitly, so a corrupt value cannot trap.
import Foundation
import GRDB

enum StoreRows {
    static let accountColumns = "id, address, password_hash, quota_bytes, used_bytes, message_count, quota_messages"

    static func account(_ row: Row) -> Account {
        Account(id: row["id"], address: row["address"], passwordHash: row["password_hash"],
                quotaBytes: row["quota_bytes"], usedBytes: row["used_bytes"], messageCount: row["message_count"],
                quotaMessages: row["quota_messages"])
    }

    static let aliasColumns = "address, targets"

    static func alias(_ row: Row) -> Alias {
        let json: String = row["targets"]
        let targets = (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? []
        return Alias(address: row["address"], targets: targets)
    }

    static let mailboxColumns = """
        id, account_id, name, uid_validity, uid_next, highest_modseq, special_use, subscribed,
        message_count, unseen_count, total_bytes
        """

    static func mailbox(_ row: Row) -> Mailbox {
        let specialUse: String? = row["special_use"]
        return Mailbox(id: row["id"], accountID: row["account_id"], name: row["name"],
                       uidValidity: uint32(row["uid_validity"]), uidNext: uint32(row["uid_next"]),
                       highestModSeq: uint64(row["highest_modseq"]),
                       specialUse: specialUse.flatMap(SpecialUse.init(rawValue:)),
                       subscribed: row["subscribed"], messageCount: Int(clamping: row["message_count"] as Int64),
                       unseenCount: Int(clamping: row["unseen_count"] as Int64), totalBytes: row["total_bytes"])
    }

    /// The order is part of the contract: `message(_:)` reads these columns by position.
    static let messageColumns = """
        id, mailbox_id, uid, modseq, system_flags, keywords, internal_date, save_date, size,
        content_sha256, COALESCE(length(prefix), 0) AS prefix_length, metadata
        """

    /// `messageColumns` with an empty metadata column, in the same positions.
    static let messageColumnsWithoutMetadata = """
        id, mailbox_id, uid, modseq, system_flags, keywords, internal_date, save_date, size,
        content_sha256, COALESCE(length(prefix), 0) AS prefix_length, NULL AS metadata
        """

    /// Reads the columns of `messageColumns` by position, straight from the statement
    /// (StatementColumns, issue 8): FETCH and SEARCH decode hundreds of rows per command; a lookup
    /// by name lower-cases the name on every access, and a `Row` cursor builds a column-name
    /// dictionary per statement. Only the SHA-256 text and the metadata blob are copied out.
    static func message(_ columns: StatementColumns) -> StoredMessage {
        let flags = MessageFlags(storedSystem: columns.int64(4), storedKeywords: columns.string(5))
        return StoredMessage(id: columns.int64(0), mailboxID: columns.int64(1), uid: uint32(columns.int64(2)),
                             modSeq: uint64(columns.int64(3)), flags: flags.names,
                             internalDate: Date(timeIntervalSince1970: columns.double(6)),
                             saveDate: Date(timeIntervalSince1970: columns.double(7)),
                             size: Int(clamping: columns.int64(8)), contentSHA256: columns.string(9),
                             prefixLength: Int(clamping: columns.int64(10)), metadata: columns.data(11) ?? Data())
    }

    static func uint32(_ value: Int64) -> UInt32 { UInt32(clamping: value) }
    static func uint64(_ value: Int64) -> UInt64 { UInt64(clamping: value) }
}
