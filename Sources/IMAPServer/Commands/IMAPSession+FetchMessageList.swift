// FETCH of the message-list shape (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE MODSEQ): what a
// client asks for every message of a mailbox it opens (issue 8, 10,000 messages at twice Dovecot).

import MailStore
import NIOCore

extension IMAPSession {
    /// Answers `attributes` (`IMAPFetchResponder.answersFromRow` holds) for `uids`, batch by batch.
    /// Each response is built synchronously from its row into one reused array; `respond` only
    /// answers a row it cannot read (no or damaged summary). The next batch is read while this one
    /// is encoded: the store works on its own threads, and 40 round trips for 10,000 messages were
    /// otherwise waited for one after the other. None of these items sets \Seen, so no batch
    /// changes what the next one reads.
    func fetchMessageList(_ uids: [UInt32], attributes: [IMAPFetchAttribute], view: SelectedMailbox,
                          responder: IMAPFetchResponder, output: inout FetchOutput,
                          _ outbound: Outbound) async throws {
        let store = self.store
        let mailboxID = view.mailbox.id
        let batchSize = Self.fetchBatchSize
        var line: [UInt8] = []
        line.reserveCapacity(2048)
        var start = min(batchSize, uids.count)
        var messages = try await store.messages(mailboxID: mailboxID, uids: Array(uids[0..<start]))
        while true {
            let next = Array(uids[start..<min(start + batchSize, uids.count)])
            start += next.count
            async let following = next.isEmpty ? [] : store.messages(mailboxID: mailboxID, uids: next)
            for message in messages {
                guard let number = view.sequenceNumber(ofUID: message.uid) else { continue }
                line.removeAll(keepingCapacity: true)
                if responder.appendFromRow(sequenceNumber: number, message: message, attributes: attributes, to: &line) {
                    output.write(bytes: line)
                } else {
                    try await responder.respond(sequenceNumber: number, message: message, attributes: attributes) { piece in
                        output.write(piece)
                    }
                }
                try await output.flushIfFull(outbound)
            }
            messages = try await following
            if next.isEmpty { return }
        }
    }
}
