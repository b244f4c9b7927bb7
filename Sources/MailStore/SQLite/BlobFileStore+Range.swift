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
        let path = try path(for: sha256)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .notFound("message content") }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0, Int(status.st_size) == expectedSize else {
            throw .backend("blob file has the wrong size")
        }
        var bytes = [UInt8](repeating: 0, count: range.count)
        var done = 0
        var failure: StoreError?
        bytes.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            while done < buffer.count {
                let got = pread(fd, base + done, buffer.count - done, off_t(range.lowerBound + done))
                if got < 0, errno == EINTR { continue }
                guard got > 0 else {
                    failure = .backend("blob file is shorter than recorded")
                    return
                }
                done += got
            }
        }
        if let failure { throw failure }
        return bytes
    }
}
