// Whole small messages lent to a renderer from SQLite's own memory (POP3 read-ahead, issue 8).
//
// Why: a batch read used to copy every message three times before the POP3 session stuffed it
// (SQLite's blob → `Data` → `[UInt8]` prefix + content concatenation → stuffed buffer). Here the
// renderer reads the blob where SQLite keeps it, and a file-backed content is read into one
// scratch buffer reused for the whole batch: the stuffing is the only copy left.
import Foundation
import GRDB

extension SQLiteMailStore {
    public func renderMessages<Output: Sendable>(
        _ messages: [StoredMessage],
        _ render: @escaping @Sendable (_ message: StoredMessage, _ prefix: UnsafeRawBufferPointer,
                                        _ content: UnsafeRawBufferPointer) throws -> Output
    ) async throws -> [Output] {
        if messages.isEmpty { return [] }
        let files = blobFiles
        return try await read { db in
            // Cached: one statement for every message of every batch of a download.
            let statement = try db.cachedStatement(sql: """
                SELECT m.prefix, b.data, b.size, m.content_sha256 FROM messages m
                JOIN blobs b ON b.sha256 = m.content_sha256 WHERE m.id = ?
                """)
            var scratch = ScratchBuffer()
            defer { scratch.release() }
            var outputs: [Output] = []
            outputs.reserveCapacity(messages.count)
            for message in messages {
                // A cursor's row reads the columns in place; a fetched `Row` would copy them.
                let rows = try Row.fetchCursor(statement, arguments: [message.id])
                guard let row = try rows.next() else { throw StoreError.notFound("message \(message.id)") }
                let size = Int(clamping: row[2] as Int64)
                let sha256: String = row[3]
                let output = try row.withUnsafeData(atIndex: 0) { prefix in
                    try Self.withBytes(prefix) { prefixBytes in
                        try row.withUnsafeData(atIndex: 1) { inline -> Output in
                            if inline != nil || size == 0 {
                                return try Self.withBytes(inline) { try render(message, prefixBytes, $0) }
                            }
                            // Kept in a blob file: read into the batch's scratch buffer.
                            let destination = scratch.reserve(size)
                            try files.read(sha256, expectedSize: size, range: 0..<size, into: destination)
                            return try render(message, prefixBytes, UnsafeRawBufferPointer(rebasing: destination[..<size]))
                        }
                    }
                }
                outputs.append(output)
                _ = try rows.next()   // steps the statement to its end, so no read stays pending
            }
            return outputs
        }
    }

    private static func withBytes<T>(_ data: Data?, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        guard let data else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try data.withUnsafeBytes(body)
    }
}

/// Memory for file contents, grown to the largest one of a batch and freed with it.
private struct ScratchBuffer {
    private var storage: UnsafeMutableRawBufferPointer?

    mutating func reserve(_ count: Int) -> UnsafeMutableRawBufferPointer {
        if let storage, storage.count >= count { return storage }
        storage?.deallocate()
        let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 16)
        storage = grown
        return grown
    }

    mutating func release() {
        storage?.deallocate()
        storage = nil
    }
}
