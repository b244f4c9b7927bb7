// Message bodies too large to live inline in the database: one file per SHA-256 under
// <data>/blobs/ab/cd/<sha256>. A file is complete and durable before any commit refers to it.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes, reads and removes blob files. Every method does blocking file I/O: call it from the
/// store's file queue, never from an event loop (DESIGN.md rule 5).
struct BlobFileStore: Sendable {
    let root: URL
    /// `root.path` with a trailing "/", for `path(for:)`.
    private let rootDirectory: String

    init(root: URL) {
        self.root = root
        let path = root.path
        self.rootDirectory = path.hasSuffix("/") ? path : path + "/"
    }

    /// The path is derived only from a checked hex digest, never from client input.
    func url(for sha256: String) throws(StoreError) -> URL {
        try Self.check(sha256)
        let first = String(sha256.prefix(2))
        let second = String(sha256.dropFirst(2).prefix(2))
        return root.appendingPathComponent(first).appendingPathComponent(second).appendingPathComponent(sha256)
    }

    /// `url(for:).path` joined as a string: every FETCH of a large message opens its file, and
    /// building the URL component by component cost more CPU than the read (issue 8, imap-mix).
    func path(for sha256: String) throws(StoreError) -> String {
        try Self.check(sha256)
        let utf8 = sha256.utf8
        let first = String(decoding: utf8.prefix(2), as: UTF8.self)
        let second = String(decoding: utf8.dropFirst(2).prefix(2), as: UTF8.self)
        return rootDirectory + first + "/" + second + "/" + sha256
    }

    /// 64 lower-case hex digits, nothing else.
    private static func check(_ sha256: String) throws(StoreError) {
        guard sha256.utf8.count == 64, sha256.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else {
            throw .backend("malformed content digest")
        }
    }

    func exists(_ sha256: String) throws(StoreError) -> Bool {
        FileManager.default.fileExists(atPath: try url(for: sha256).path)
    }

    /// Makes the file durable: temp file, write, fsync, rename, fsync of the directory (and of
    /// any directory created on the way), so a crash leaves either no file or the whole file.
    func write(_ bytes: [UInt8], sha256: String) throws(StoreError) {
        let target = try url(for: sha256)
        if FileManager.default.fileExists(atPath: target.path) { return }
        let directory = target.deletingLastPathComponent()
        try ensureDirectory(directory)
        let temporary = directory.appendingPathComponent(".\(sha256).\(UUID().uuidString).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw .backend("cannot create blob file (errno \(errno))") }
        var failure: StoreError?
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = posixWrite(fd, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = .backend("cannot write blob file (errno \(errno))")
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = .backend("cannot fsync blob file (errno \(errno))") }
        close(fd)
        if let failure {
            unlink(temporary.path)
            throw failure
        }
        guard rename(temporary.path, target.path) == 0 else {
            let code = errno
            unlink(temporary.path)
            throw .backend("cannot rename blob file (errno \(code))")
        }
        try syncDirectory(directory)
    }

    func read(_ sha256: String, expectedSize: Int) throws(StoreError) -> [UInt8] {
        let path = try path(for: sha256)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .notFound("message content")
        }
        guard data.count == expectedSize else { throw .backend("blob file has the wrong size") }
        return [UInt8](data)
    }

    /// Removal needs no fsync: a file that survives a crash is an orphan, never a loss.
    func remove(_ sha256: String) {
        guard let path = try? url(for: sha256).path else { return }
        unlink(path)
    }

    private func ensureDirectory(_ directory: URL) throws(StoreError) {
        if FileManager.default.fileExists(atPath: directory.path) { return }
        // Walk up to the first existing ancestor, then create downwards, syncing each parent so
        // the new directory entries are durable too.
        var missing: [URL] = []
        var current = directory
        while !FileManager.default.fileExists(atPath: current.path), missing.count < 8 {
            missing.append(current)
            current = current.deletingLastPathComponent()
        }
        for created in missing.reversed() {
            if mkdir(created.path, 0o700) != 0, errno != EEXIST {
                throw .backend("cannot create blob directory (errno \(errno))")
            }
            try syncDirectory(created.deletingLastPathComponent())
        }
    }

    private func syncDirectory(_ directory: URL) throws(StoreError) {
        let fd = open(directory.path, O_RDONLY)
        guard fd >= 0 else { throw .backend("cannot open blob directory (errno \(errno))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .backend("cannot fsync blob directory (errno \(errno))") }
    }
}

/// `write(2)` under a name that does not clash with the method above.
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
