// Partial reads of a stored message (prefix + content) for BODY[]<start.length> and section
// fetches: only the requested octets leave the database or the blob file.
import Foundation
import GRDB

extension SQLiteMailStore {
    public func messageBytes(_ message: StoredMessage, range: Range<Int>) async throws -> [UInt8] {
        let files = blobFiles
        let found = try await boundedRead { db, rowLimit -> RangeRead?? in
            let found = try Self.readRange(db, message, range)
            // Inline, a part kept in a file is read afterwards on the file queue: no file I/O on
            // the caller's thread. An inline content part is at most `inlineBodyLimit` octets.
            if rowLimit != nil { return found }
            return try found.map { try Self.readingSmallFilePart($0, files) }
        }
        return try await completed(found, message)
    }

    /// File parts up to this size are read on the reader's thread, inside the trip that found
    /// them: a FETCH of a message kept in a file (or of one 64 KB chunk of it) then costs one hop
    /// to the store's threads instead of two (issue 8, imap-mix). Still store work off the event
    /// loops (DESIGN.md rule 5), as `messageChunks` does; larger parts go to the file queue.
    static let inPlaceFileReadLimit = 256 * 1024

    private static func readingSmallFilePart(_ found: RangeRead, _ files: BlobFileStore) throws -> RangeRead {
        guard let fileRange = found.fileRange, fileRange.count <= inPlaceFileReadLimit else { return found }
        var read = found
        read.bytes += try files.read(found.sha256, expectedSize: found.contentSize, range: fileRange)
        read.fileRange = nil
        return read
    }

    /// One read transaction for the whole batch; only parts kept in blob files are read after it.
    public func messageBytes(_ requests: [MessageRangeRequest]) async throws -> [[UInt8]] {
        if requests.isEmpty { return [] }
        if requests.count == 1 { return [try await messageBytes(requests[0].message, range: requests[0].range)] }
        let files = blobFiles
        let found = try await boundedRead { db, rowLimit -> [RangeRead?]? in
            if let rowLimit, requests.count > rowLimit { return nil }
            return try requests.map { request in
                let found = try Self.readRange(db, request.message, request.range)
                // As above: inline, file parts wait for the file queue.
                return rowLimit != nil ? found : try found.map { try Self.readingSmallFilePart($0, files) }
            }
        }
        var results: [[UInt8]] = []
        results.reserveCapacity(requests.count)
        var fileParts: [FilePart] = []
        for (read, request) in zip(found, requests) {
            guard let read else { throw StoreError.notFound("message \(request.message.id)") }
            if let fileRange = read.fileRange {
                fileParts.append(FilePart(index: results.count, sha256: read.sha256, contentSize: read.contentSize,
                                          range: fileRange))
            }
            results.append(read.bytes)
        }
        guard !fileParts.isEmpty else { return results }
        // Every file part of the batch in one trip to the file queue (issue 8): a FETCH of 50
        // headers where a fifth of the messages live in blob files took ten trips in a row, each a
        // wake-up of the file queue and one of the caller's thread (an IMAP session's event loop,
        // busy with other connections meanwhile). Bounded as before: the parts the caller asked for.
        let parts = fileParts
        let tails = try await onFileQueue {
            try parts.map { try files.read($0.sha256, expectedSize: $0.contentSize, range: $0.range) }
        }
        for (part, tail) in zip(fileParts, tails) { results[part.index] += tail }
        return results
    }

    /// The prefix part and any inline content part, read inside the caller's transaction.
    ///
    /// One statement reads the prefix and the inline content, and both slices are copied from
    /// SQLite's memory straight into the answer (issue 8: FETCH of 50 header sets ran two
    /// statements per message and copied each part through `Data` and a temporary array). The
    /// content column is asked for only when the message row the caller holds says the range
    /// reaches into the content; should the stored row say otherwise, the content is read by a
    /// second statement, as before.
    private static func readRange(_ db: Database, _ message: StoredMessage, _ requested: Range<Int>) throws -> RangeRead? {
        let expected = RangePlan(requested: requested, prefixLength: message.prefixLength,
                                 contentSize: max(message.size - message.prefixLength, 0))
        let readsContent = !expected.contentPart.isEmpty
        // Cached statement: FETCH and SEARCH call this for every message of a mailbox. Without
        // `readsContent` the CASE keeps SQLite from loading the blob at all.
        let lookup = try db.cachedStatement(sql: """
            SELECT m.prefix, m.content_sha256, b.size, b.data IS NULL AS on_disk,
                CASE WHEN ? THEN b.data END AS data
            FROM messages m JOIN blobs b ON b.sha256 = m.content_sha256 WHERE m.id = ?
            """)
        return try ColumnCursor.first(lookup, arguments: [readsContent, message.id]) { row -> RangeRead in
            let contentSize = Int(clamping: row.int64(2))
            let onDisk = row.int64(3) != 0
            let plan = RangePlan(requested: requested, prefixLength: row.byteCount(0), contentSize: contentSize)
            let inlinePart = !plan.contentPart.isEmpty && !onDisk
            var bytes = [UInt8]()
            bytes.reserveCapacity(plan.prefixPart.count + (inlinePart ? plan.contentPart.count : 0))
            row.appendBlob(0, range: plan.prefixPart, to: &bytes)
            if inlinePart {
                if readsContent {
                    // A blob shorter than its recorded size is damage, not a short read.
                    guard row.byteCount(4) >= plan.contentPart.upperBound else {
                        throw StoreError.backend("inline blob is shorter than recorded")
                    }
                    row.appendBlob(4, range: plan.contentPart, to: &bytes)
                } else {
                    bytes += try contentSlice(db, sha256: row.string(1), plan.contentPart)
                }
                return RangeRead(bytes: bytes, fileRange: nil, sha256: "", contentSize: contentSize)
            }
            let fileRange = onDisk && !plan.contentPart.isEmpty ? plan.contentPart : nil
            // The SHA-256 names the blob file: only a read that needs the file copies it out.
            return RangeRead(bytes: bytes, fileRange: fileRange, sha256: fileRange == nil ? "" : row.string(1),
                             contentSize: contentSize)
        }
    }

    /// The inline content's `part`, for a range the caller's message row did not expect to reach it.
    private static func contentSlice(_ db: Database, sha256: String, _ part: Range<Int>) throws -> [UInt8] {
        // substr on a BLOB counts bytes, from 1.
        let slice = try db.cachedStatement(sql: "SELECT substr(data, ?, ?) FROM blobs WHERE sha256 = ?")
        let bytes: [UInt8] = try ColumnCursor.first(slice, arguments: [part.lowerBound + 1, part.count, sha256]) { row in
            var bytes = [UInt8]()
            row.appendBlob(0, to: &bytes)
            return bytes
        } ?? []
        guard bytes.count == part.count else { throw StoreError.backend("inline blob is shorter than recorded") }
        return bytes
    }

    /// Adds the part kept in a blob file, read on the file queue, to what the transaction read.
    private func completed(_ found: RangeRead?, _ message: StoredMessage) async throws -> [UInt8] {
        guard let found else { throw StoreError.notFound("message \(message.id)") }
        guard let fileRange = found.fileRange else { return found.bytes }
        let files = blobFiles
        let tail = try await onFileQueue {
            try files.read(found.sha256, expectedSize: found.contentSize, range: fileRange)
        }
        return found.bytes + tail
    }
}

/// Which octets of the prefix and of the content a request for `requested` covers, after
/// clamping it to the message (negative or inverted bounds give nothing).
struct RangePlan: Equatable {
    let prefixPart: Range<Int>
    let contentPart: Range<Int>

    init(requested: Range<Int>, prefixLength: Int, contentSize: Int) {
        let total = prefixLength + contentSize
        let lower = min(max(requested.lowerBound, 0), total)
        let upper = min(max(requested.upperBound, lower), total)
        prefixPart = min(lower, prefixLength)..<min(upper, prefixLength)
        contentPart = max(lower - prefixLength, 0)..<max(upper - prefixLength, 0)
    }
}

/// A part of a batch still to read from its blob file, and where its answer goes.
private struct FilePart: Sendable {
    let index: Int
    let sha256: String
    let contentSize: Int
    let range: Range<Int>
}

/// The part already read inside the transaction, and the file part still to read, if any.
private struct RangeRead: Sendable {
    var bytes: [UInt8]
    var fileRange: Range<Int>?
    var sha256: String
    var contentSize: Int
}
