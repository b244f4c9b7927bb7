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
        for (read, request) in zip(found, requests) { results.append(try await completed(read, request.message)) }
        return results
    }

    /// The prefix part and any inline content part, read inside the caller's transaction.
    private static func readRange(_ db: Database, _ message: StoredMessage, _ requested: Range<Int>) throws -> RangeRead? {
        // Cached statements: FETCH and SEARCH call this for every message of a mailbox.
        let lookup = try db.cachedStatement(sql: """
            SELECT m.prefix, m.content_sha256, b.size, b.data IS NULL AS on_disk FROM messages m
            JOIN blobs b ON b.sha256 = m.content_sha256 WHERE m.id = ?
            """)
        // A cursor row read by position: `Row.fetchOne` copies the row, and `row["name"]`
        // lower-cases every column name on each lookup (issue 8: a tenth of this read's time).
        // The cursor resets the statement when it goes away: it lives until the row is read.
        let rows = try Row.fetchCursor(lookup, arguments: [message.id])
        let found = try withExtendedLifetime(rows) { () throws -> (Data?, String, Int64, Bool)? in
            guard let row = try rows.next() else { return nil }
            return (row[0], row[1], row[2], row[3])
        }
        guard let (storedPrefix, sha256, storedSize, onDisk) = found else { return nil }
        let contentSize = Int(clamping: storedSize)
        let prefix = [UInt8](storedPrefix ?? Data())
        let plan = RangePlan(requested: requested, prefixLength: prefix.count, contentSize: contentSize)
        var head = [UInt8]()
        if !plan.prefixPart.isEmpty { head = Array(prefix[plan.prefixPart]) }
        if !plan.contentPart.isEmpty, !onDisk {
            // substr on a BLOB counts bytes, from 1.
            let slice = try db.cachedStatement(sql: "SELECT substr(data, ?, ?) FROM blobs WHERE sha256 = ?")
            let data = try Data.fetchOne(slice, arguments: [plan.contentPart.lowerBound + 1, plan.contentPart.count,
                                                            sha256]) ?? Data()
            guard data.count == plan.contentPart.count else {
                throw StoreError.backend("inline blob is shorter than recorded")
            }
            head.append(contentsOf: data)
            return RangeRead(bytes: head, fileRange: nil, sha256: "", contentSize: contentSize)
        }
        return RangeRead(bytes: head, fileRange: onDisk && !plan.contentPart.isEmpty ? plan.contentPart : nil,
                         sha256: sha256, contentSize: contentSize)
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

/// The part already read inside the transaction, and the file part still to read, if any.
private struct RangeRead: Sendable {
    var bytes: [UInt8]
    var fileRange: Range<Int>?
    var sha256: String
    var contentSize: Int
}
