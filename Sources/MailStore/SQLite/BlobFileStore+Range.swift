// Reading part of a blob file: BODY[]<start.length> of a 50 MB message reads only those octets.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension BlobFileStore {
    /// Octets `range` of the file (the caller clamps it to `expectedSize`). A file whose size is
    /// not the recorded one is an error, never silently short or stale data.
    func read(_ sha256: String, expectedSize: Int, range: Range<Int>) throws(StoreError) -> [UInt8] {
        guard range.lowerBound >= 0, range.upperBound <= expectedSize else {
            throw .backend("blob range outside the recorded size")
        }
        guard !range.isEmpty else { return [] }
        var bytes = [UInt8](repeating: 0, count: range.count)
        var failure: StoreError?
        bytes.withUnsafeMutableBytes { buffer in
            do throws(StoreError) {
                try read(sha256, expectedSize: expectedSize, range: range, into: buffer)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// The same octets written into `destination` (at least `range.count` bytes): a caller that
    /// reads many small files reuses one buffer instead of allocating an array per file.
    func read(_ sha256: String, expectedSize: Int, range: Range<Int>,
              into destination: UnsafeMutableRawBufferPointer) throws(StoreError) {
        guard range.lowerBound >= 0, range.upperBound <= expectedSize, destination.count >= range.count else {
            throw .backend("blob range outside the recorded size")
        }
        guard !range.isEmpty, let base = destination.baseAddress else { return }
        let path = try path(for: sha256)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .notFound("message content") }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0, Int(status.st_size) == expectedSize else {
            throw .backend("blob file has the wrong size")
        }
        var done = 0
        while done < range.count {
            let got = pread(fd, base + done, range.count - done, off_t(range.lowerBound + done))
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { throw .backend("blob file is shorter than recorded") }
            done += got
        }
    }
}
