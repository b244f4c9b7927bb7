// COPY and MOVE (RFC 4315 UIDPLUS, RFC 6851 MOVE): one write transaction each, through the same
// writer as every other change, so they are durable before returning and published after commit.
import Foundation
import GRDB

extension SQLiteMailStore {
    public func copyMessages(from source: MailboxID, uids: [UInt32], to destination: MailboxID) async throws -> CopyOutcome {
        let transfer = MessageTransfer(sourceID: source, destinationID: destination, isMove: false)
        return try await write { db in try transfer.perform(db, uids: uids) }
    }

    public func moveMessages(from source: MailboxID, uids: [UInt32], to destination: MailboxID) async throws -> CopyOutcome {
        let transfer = MessageTransfer(sourceID: source, destinationID: destination, isMove: true,
                                       expungeLogRetention: configuration.expungeLogRetention)
        return try await write { db in try transfer.perform(db, uids: uids) }
    }
}
