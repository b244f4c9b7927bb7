// The content file of a message that POP3 can send as it lies (sendfile), issue 8.
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SQLiteMailStore {
    public func plainContentFile(_ message: StoredMessage) async throws -> PlainContentFile? {
        let found = try await boundedRead { db, _ -> PlainContentLookup? in
            // One small row, read on the caller's thread when an inline reader is free.
            let statement = try db.cachedStatement(sql: """
                SELECT m.prefix, m.content_sha256, b.size, b.pop3_dot_offsets FROM messages m
                JOIN blobs b ON b.sha256 = m.content_sha256
                WHERE m.id = ? AND b.data IS NULL AND (b.pop3_plain = 1 OR b.pop3_dot_offsets IS NOT NULL)
                """)
            return try ColumnCursor.first(statement, arguments: [message.id]) { row in
                var prefix = [UInt8]()
                row.appendBlob(0, to: &prefix)
                let size = Int(clamping: row.int64(2))
                var encodedOffsets = [UInt8]()
                row.appendBlob(3, to: &encodedOffsets)
                // A damaged column: no file, the message is stuffed as before.
                guard let offsets = DotLineOffsets.decode(encodedOffsets, contentSize: size) else { return .absent }
                return .found(prefix: prefix, sha256: row.string(1), size: size, dotLineOffsets: offsets)
            } ?? .absent
        }
        guard case .found(let prefix, let sha256, let size, let offsets) = found else { return nil }
        let files = blobFiles
        // File work stays on the store's file queue (DESIGN.md rule 5), as for every blob read.
        return try await onFileQueue { () throws(StoreError) -> PlainContentFile in
            let descriptor = open(try files.path(for: sha256), O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw .notFound("message content") }
            let file = PlainContentFile(prefix: prefix, descriptor: descriptor, contentSize: size,
                                        dotLineOffsets: offsets)
            // sendfile of a file shorter than recorded would send short data or stall: refuse it.
            var status = stat()
            guard fstat(descriptor, &status) == 0, Int(status.st_size) == size else {
                throw .backend("blob file size differs from the recorded size")
            }
            return file
        }
    }
}

/// What the lookup found: `absent` when the content is inline, neither plain nor with recorded
/// dot lines (or not known to be) or the message is gone (the caller then streams, and reports a missing message as before).
private enum PlainContentLookup: Sendable {
    case absent
    case found(prefix: [UInt8], sha256: String, size: Int, dotLineOffsets: [Int])
}
