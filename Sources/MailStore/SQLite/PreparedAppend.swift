// An AppendRequest after the checks that need no database: size, digest, flags, mailbox name.
import Foundation
import MailMessage

/// What the group-commit writer receives: already validated, so a bad request never takes a
/// slot in a transaction.
struct PreparedAppend: Sendable {
    let request: AppendRequest
    let flags: MessageFlags
    /// The normalised name when the request selects its mailbox by name.
    let mailboxName: String?
    /// Bodies below the inline limit are written into the `blobs` row by the append transaction.
    let storesInline: Bool
    /// For a body kept in a file: whether POP3 may send it as it lies (`PlainBytes`), computed
    /// here, outside the write transaction; nil for an inline body (always read into memory).
    let plainForPOP3: Bool?
    /// For a body kept in a file that has lines starting with ".": their offsets in the column's
    /// form (`DotLineOffsets`), when it ends with CRLF and has few enough; nil otherwise.
    let pop3DotOffsets: Data?
    /// SORT/THREAD keys (issue 8): the caller's, else derived from the summary here, outside the
    /// write transaction; nil without either (the row keeps version 0).
    let sortKeys: MessageSortKeys?
    /// SEARCH FROM/TO/CC/BCC/SUBJECT text folded from the summary (issue 8, FoldedSearchTable),
    /// here, outside the write transaction; nil without a readable binary summary (SEARCH then
    /// reads the summary, or the message, as it always did).
    let foldedSearch: Data?

    var size: Int { request.prefix.count + request.content.bytes.count }

    init(_ request: AppendRequest, inlineBodyLimit: Int, maxMessageBytes: Int) throws(StoreError) {
        guard request.prefix.count <= maxMessageBytes,
              request.content.bytes.count <= maxMessageBytes - request.prefix.count else {
            throw .messageTooLarge
        }
        self.request = request
        self.flags = try MessageFlags(parsing: request.flags)
        if case .name(let name) = request.mailbox {
            mailboxName = try MailboxName(name).value
        } else {
            mailboxName = nil
        }
        storesInline = request.content.bytes.count < inlineBodyLimit
        if storesInline {
            plainForPOP3 = nil
            pop3DotOffsets = nil
        } else {
            (plainForPOP3, pop3DotOffsets) = request.content.bytes.withUnsafeBytes(Self.pop3Columns)
        }
        sortKeys = request.searchFields.sortKeys ?? (request.metadata.isEmpty ? nil
            : (try? MessageSummary.decode(request.metadata)).map(MessageSortKeys.init(summary:)))
        foldedSearch = FoldedSearchFields.encoded(summary: request.metadata)
    }

    /// `blobs.pop3_plain` and `blobs.pop3_dot_offsets` of a content kept in a file; also what
    /// DeliveryDataBackfill stores for files written before those columns. One scan answers both:
    /// no offsets is `PlainBytes.check`'s plain content.
    static func pop3Columns(_ content: UnsafeRawBufferPointer) -> (plain: Bool, dotOffsets: Data?) {
        let offsets = DotLineOffsets.find(in: content)
        return (offsets?.isEmpty ?? false, offsets.flatMap { $0.isEmpty ? nil : DotLineOffsets.encode($0) })
    }
}
