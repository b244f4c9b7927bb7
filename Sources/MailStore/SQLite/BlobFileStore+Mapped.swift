// A blob file's content mapped read-only, for a pass over all of it (DeliveryDataBackfill's POP3
// scan) without copying a file of megabytes into the heap: the pages come from the page cache.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension BlobFileStore {
    /// Calls `body` with the whole content of the file, which must be `expectedSize` octets.
    /// Why a map is safe here: a blob file is never changed in place (`write` renames a complete
    /// temporary file over nothing, `remove` unlinks), so the mapped file cannot shrink under the
    /// map (which would fault); an unlink while mapped keeps the pages readable.
    func withMappedContent<Result>(_ sha256: String, expectedSize: Int,
                                   _ body: (UnsafeRawBufferPointer) -> Result) throws(StoreError) -> Result {
        let fd = open(try path(for: sha256), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .notFound("message content") }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw .backend("cannot stat blob file (errno \(errno))") }
        guard Int(status.st_size) == expectedSize else { throw .backend("blob file has the wrong size") }
        guard expectedSize > 0 else { return body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        guard let mapped = mmap(nil, expectedSize, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw .backend("cannot map blob file (errno \(errno))")
        }
        defer { munmap(mapped, expectedSize) }
        // One pass from start to end: read-ahead pays.
        _ = madvise(mapped, expectedSize, MADV_SEQUENTIAL)
        return body(UnsafeRawBufferPointer(start: mapped, count: expectedSize))
    }
}
