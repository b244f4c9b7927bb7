// A message read in pieces straight into the caller's memory (POP3 RETR of large messages,
// issue 8): a blob file is `pread` into the buffer that goes to the socket, with no `[UInt8]` per
// MiB in between.
import Foundation
import GRDB

extension SQLiteMailStore {
    public func messageChunks<Output: Sendable>(
        _ message: StoredMessage, chunkSize: Int,
        fill: @escaping @Sendable (_ count: Int, _ read: (UnsafeMutableRawBufferPointer) throws -> Void) throws -> Output
    ) async throws -> AsyncThrowingStream<Output, any Error> {
        let chunkSize = max(chunkSize, 4096)
        let files = blobFiles
        // As in `messageChunks(_:chunkSize:)`: one trip finds the content, fills the prefix and
        // inline content, opens the file and reads its first piece.
        let opened = try await read { db -> (buffered: [Output], file: BlobFileReader?)? in
            guard let found = try Self.contentLocation(db, message) else { return nil }
            var buffered: [Output] = []
            let head = [found.prefix, found.inline ?? Data()]
            let headCount = head.reduce(0) { $0 + $1.count }
            var done = 0
            while done < headCount {
                let count = min(chunkSize, headCount - done)
                let start = done
                buffered.append(try fill(count) { destination in
                    guard destination.count >= count else { throw StoreError.backend("chunk buffer too small") }
                    Self.copy(head, from: start, count: count, into: destination)
                })
                done += count
            }
            guard found.inline == nil, found.size > 0 else { return (buffered, nil) }
            let file = try BlobFileReader(url: try files.url(for: found.sha256), expectedSize: found.size)
            if let first = try file.next(chunkSize, fill: fill) { buffered.append(first) }
            return (buffered, file)
        }
        guard let opened else { throw StoreError.notFound("message \(message.id)") }
        let source = FilledChunkSource(buffered: opened.buffered, file: opened.file)
        let store = self
        return AsyncThrowingStream(unfolding: {
            if let piece = source.nextBuffered() { return piece }
            guard let file = source.file, !file.isAtEnd else { return nil }
            return try await store.onFileQueue { try file.next(chunkSize, fill: fill) }
        })
    }

    /// Octets `start..<start + count` of the concatenated `parts` into `destination`.
    private static func copy(_ parts: [Data], from start: Int, count: Int, into destination: UnsafeMutableRawBufferPointer) {
        var skip = start
        var written = 0
        for part in parts where written < count {
            if skip >= part.count {
                skip -= part.count
                continue
            }
            let take = min(part.count - skip, count - written)
            part.withUnsafeBytes { bytes in
                UnsafeMutableRawBufferPointer(rebasing: destination[written..<(written + take)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[skip..<(skip + take)]))
            }
            written += take
            skip = 0
        }
    }
}

/// The pieces filled while opening, handed out first. `@unchecked Sendable`: only the stream's
/// unfolding closure uses it, and that closure is never called concurrently with itself.
private final class FilledChunkSource<Output: Sendable>: @unchecked Sendable {
    private var buffered: [Output]
    private var next = 0
    let file: BlobFileReader?

    init(buffered: [Output], file: BlobFileReader?) {
        self.buffered = buffered
        self.file = file
    }

    func nextBuffered() -> Output? {
        guard next < buffered.count else {
            if !buffered.isEmpty { buffered = [] }
            return nil
        }
        defer { next += 1 }
        return buffered[next]
    }
}
